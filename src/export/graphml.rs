//! GraphML with typed keys, read by NetworkX (`read_graphml`), igraph, Gephi and yEd.
//!
//! Nodes are `n<id>`, relationships `e<id>` (so parallel relationships stay apart). A node's
//! labels are the `labels` key (`:Country:Place`, as Neo4j's APOC writes them), a
//! relationship's type the `label` key. Each property key gets a key per value kind:
//! `boolean`, `long`, `double` or `string`; dates are `string` (`YYYY-MM-DD`, the key's
//! description says `date`), lists and maps `string` holding JSON (description `json`).
//! Provenance: the document's `<desc>` and the graph's `silkgraph_*` data.

use std::fmt::Write as _;

use super::xml::{comment, escape};
use super::{attr_columns, label_names, type_name, AttrKind, Export};

fn type_attr(kind: AttrKind) -> &'static str {
    match kind {
        AttrKind::Bool => "boolean",
        AttrKind::Long => "long",
        AttrKind::Double => "double",
        _ => "string",
    }
}

/// The end of a key element: its description says how to read dates and JSON text.
fn kind_desc(kind: AttrKind) -> &'static str {
    match kind {
        AttrKind::Date => "><desc>date</desc></key>",
        AttrKind::Json => "><desc>json</desc></key>",
        _ => "/>",
    }
}

/// The export as a GraphML document.
pub fn render(ex: &Export) -> String {
    let g = ex.graph;
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(s, "<!-- {} -->", comment(&ex.prov.one_line()));
    s.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    let _ = writeln!(s, "  <desc>{}</desc>", escape(&ex.prov.one_line()));
    let graph_keys = [("silkgraph_version", "gv"), ("query", "gq"), ("params", "gp"), ("graph_hash", "gh")];
    for (name, id) in graph_keys {
        let _ = writeln!(s, "  <key id=\"{id}\" for=\"graph\" attr.name=\"{name}\" attr.type=\"string\"/>");
    }
    s.push_str("  <key id=\"labels\" for=\"node\" attr.name=\"labels\" attr.type=\"string\"/>\n");
    s.push_str("  <key id=\"label\" for=\"edge\" attr.name=\"label\" attr.type=\"string\"/>\n");
    let node_cols = attr_columns(ex, true);
    let rel_cols = attr_columns(ex, false);
    for (prefix, domain, cols) in [("v", "node", &node_cols), ("r", "edge", &rel_cols)] {
        for (i, (name, kind)) in cols.iter().enumerate() {
            let _ = writeln!(
                s,
                "  <key id=\"{prefix}{i}\" for=\"{domain}\" attr.name=\"{}\" attr.type=\"{}\"{}",
                escape(&super::attr_title(name)),
                type_attr(*kind),
                kind_desc(*kind)
            );
        }
    }
    let kind = if ex.graph.undirected() { "undirected" } else { "directed" };
    s.push_str(&format!("  <graph id=\"G\" edgedefault=\"{kind}\">\n"));
    let params = serde_json::Value::Object(ex.prov.params.clone()).to_string();
    let values = [ex.prov.version.as_str(), ex.prov.query.as_deref().unwrap_or(""), &params, &ex.prov.graph_hash];
    for ((_, id), v) in graph_keys.iter().zip(values) {
        let _ = writeln!(s, "    <data key=\"{id}\">{}</data>", escape(v));
    }
    let data = |s: &mut String,
                prefix: &str,
                cols: &[(String, AttrKind)],
                props: &[(crate::store::KeyId, crate::value::Value)]| {
        for (k, v) in props {
            let Some(kind) = AttrKind::of(v) else { continue };
            let name = g.keys().name(*k);
            if let Some(i) = cols.iter().position(|(n, c)| n == name && *c == kind) {
                let _ = writeln!(s, "      <data key=\"{prefix}{i}\">{}</data>", escape(&AttrKind::text(g, v)));
            }
        }
    };
    for &n in &ex.sub.nodes {
        let _ = writeln!(s, "    <node id=\"n{n}\">");
        let labels: String = label_names(g, n).iter().map(|l| format!(":{l}")).collect();
        let _ = writeln!(s, "      <data key=\"labels\">{}</data>", escape(&labels));
        data(&mut s, "v", &node_cols, &g.node_props(n));
        s.push_str("    </node>\n");
    }
    for &r in &ex.sub.rels {
        let Some((a, b)) = g.rel_ends(r) else { continue };
        let _ = writeln!(s, "    <edge id=\"e{r}\" source=\"n{a}\" target=\"n{b}\">");
        let _ = writeln!(s, "      <data key=\"label\">{}</data>", escape(type_name(g, r)));
        data(&mut s, "r", &rel_cols, &g.rel_props(r));
        s.push_str("    </edge>\n");
    }
    s.push_str("  </graph>\n</graphml>\n");
    s
}
