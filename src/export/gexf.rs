//! GEXF 1.2, read by Gephi and NetworkX (`read_gexf`).
//!
//! Nodes are `n<id>` with the display name as GEXF label, relationships `e<id>` with their type
//! as GEXF label. Cypher labels are the `labels` attribute (`:Country`). Attributes are typed
//! as in GraphML (`boolean`, `long`, `double`, `string`; dates as `YYYY-MM-DD` text, lists and
//! maps as JSON text), one per property key and kind. Nodes carry a `viz:color` by first
//! label. Provenance: `<meta>`'s creator and description.

use std::fmt::Write as _;

use super::xml::{comment, escape};
use super::{attr_columns, display_name, label_names, type_name, AttrKind, Export};

fn type_attr(kind: AttrKind) -> &'static str {
    match kind {
        AttrKind::Bool => "boolean",
        AttrKind::Long => "long",
        AttrKind::Double => "double",
        _ => "string",
    }
}

/// The export as a GEXF 1.2 document.
pub fn render(ex: &Export) -> String {
    let g = ex.graph;
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(s, "<!-- {} -->", comment(&ex.prov.one_line()));
    s.push_str(
        "<gexf xmlns=\"http://www.gexf.net/1.2draft\" xmlns:viz=\"http://www.gexf.net/1.2draft/viz\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd\" version=\"1.2\">\n",
    );
    let _ = writeln!(s, "  <meta>\n    <creator>silkgraph {}</creator>", escape(&ex.prov.version));
    let _ = writeln!(s, "    <description>{}</description>", escape(&ex.prov.one_line()));
    let _ = writeln!(s, "    <keywords>{}</keywords>\n  </meta>", escape(&ex.prov.graph_hash));
    let kind = if ex.graph.undirected() { "undirected" } else { "directed" };
    s.push_str(&format!("  <graph mode=\"static\" defaultedgetype=\"{kind}\">\n"));
    let node_cols = attr_columns(ex, true);
    let rel_cols = attr_columns(ex, false);
    for (class, cols, extra) in [("node", &node_cols, "labels"), ("edge", &rel_cols, "type")] {
        let _ = writeln!(s, "    <attributes class=\"{class}\" mode=\"static\">");
        let _ = writeln!(s, "      <attribute id=\"{extra}\" title=\"{extra}\" type=\"string\"/>");
        for (i, (name, kind)) in cols.iter().enumerate() {
            let _ = writeln!(
                s,
                "      <attribute id=\"{i}\" title=\"{}\" type=\"{}\"/>",
                escape(&super::attr_title(name)),
                type_attr(*kind)
            );
        }
        s.push_str("    </attributes>\n");
    }
    let values = |s: &mut String, cols: &[(String, AttrKind)], props: &[(crate::store::KeyId, crate::value::Value)]| {
        for (k, v) in props {
            let Some(kind) = AttrKind::of(v) else { continue };
            let name = g.keys().name(*k);
            if let Some(i) = cols.iter().position(|(n, c)| n == name && *c == kind) {
                let _ = writeln!(s, "          <attvalue for=\"{i}\" value=\"{}\"/>", escape(&AttrKind::text(g, v)));
            }
        }
    };
    let palette = super::layout::Palette::for_labels(g);
    s.push_str("    <nodes>\n");
    for &n in &ex.sub.nodes {
        let _ = writeln!(s, "      <node id=\"n{n}\" label=\"{}\">", escape(&display_name(g, n)));
        let labels: String = label_names(g, n).iter().map(|l| format!(":{l}")).collect();
        let _ = writeln!(s, "        <attvalues>\n          <attvalue for=\"labels\" value=\"{}\"/>", escape(&labels));
        values(&mut s, &node_cols, &g.node_props(n));
        s.push_str("        </attvalues>\n");
        let (r, gr, b) = palette.rgb(label_names(g, n).first().copied().unwrap_or(""));
        let _ = writeln!(s, "        <viz:color r=\"{r}\" g=\"{gr}\" b=\"{b}\"/>\n      </node>");
    }
    s.push_str("    </nodes>\n    <edges>\n");
    for &r in &ex.sub.rels {
        let Some((a, b)) = g.rel_ends(r) else { continue };
        let ty = escape(type_name(g, r));
        let _ = writeln!(s, "      <edge id=\"e{r}\" source=\"n{a}\" target=\"n{b}\" label=\"{ty}\">");
        let _ = writeln!(s, "        <attvalues>\n          <attvalue for=\"type\" value=\"{ty}\"/>");
        values(&mut s, &rel_cols, &g.rel_props(r));
        s.push_str("        </attvalues>\n      </edge>\n");
    }
    s.push_str("    </edges>\n  </graph>\n</gexf>\n");
    s
}
