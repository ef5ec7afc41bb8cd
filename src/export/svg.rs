//! The picture as SVG: nodes coloured by label (or a property), sized by a property or score
//! when asked, labelled with their names; relationships as arrows labelled by type (where
//! the label fits; every arrow shows its type, quote and source on hover); a legend. The
//! provenance is in `<metadata>` and `<desc>`.

use std::fmt::Write as _;

use super::layout::{self, Picture, EDGE_FONT, NODE_FONT};
use super::xml::escape;
use super::{value_text, Export};
use crate::store::Graph;
use crate::value::{NodeId, RelId, Value};

/// The font families the picture's text asks for, in order of preference.
pub const FONT: &str = "DejaVu Sans, Helvetica, Arial, sans-serif";

/// Hover text of a node: name, labels and properties.
pub fn node_title(g: &Graph, id: NodeId) -> String {
    let mut t = format!("{}\n", super::display_name(g, id));
    let labels: String = super::label_names(g, id).iter().map(|l| format!(":{l}")).collect();
    if !labels.is_empty() {
        let _ = writeln!(t, "{labels}");
    }
    for (k, v) in &g.node_props(id) {
        let _ = writeln!(t, "{}: {}", g.keys().name(*k), value_text(g, v));
    }
    t.trim_end().to_string()
}

/// Hover text of a relationship: type, quote, source and the other properties.
pub fn edge_title(g: &Graph, id: RelId) -> String {
    let mut t = super::type_name(g, id).to_string();
    let props = g.rel_props(id);
    let get = |key: &str| g.key_id(key).and_then(|k| props.iter().find(|(p, _)| *p == k)).map(|(_, v)| v);
    if let Some(Value::String(q)) = get("quote") {
        let _ = write!(t, "\n\u{201c}{q}\u{201d}");
    }
    if let Some(s) = get("source") {
        let _ = write!(t, "\nsource: {}", value_text(g, s));
    }
    for (k, v) in &props {
        let name = g.keys().name(*k);
        if name != "quote" && name != "source" {
            let _ = write!(t, "\n{name}: {}", value_text(g, v));
        }
    }
    t
}

/// The path of an edge from the rim of its start node to the rim of its end node.
pub fn edge_path(p: &Picture, e: &layout::PEdge) -> String {
    let (a, b) = (&p.nodes[e.s], &p.nodes[e.t]);
    if e.s == e.t {
        let (x, y, r) = (a.x, a.y, a.r);
        let s = 14.0 + e.bend.abs();
        return format!(
            "M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
            x + r * 0.7,
            y - r * 0.7,
            x + r + s,
            y - r - s * 1.6,
            x + r + s * 1.6,
            y - r + s * 0.2,
            x + r + 1.0,
            y + 1.0
        );
    }
    let c = layout::control((a.x, a.y), (b.x, b.y), e.bend);
    let unit = |from: (f64, f64), to: (f64, f64)| {
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let d = (dx * dx + dy * dy).sqrt().max(0.01);
        (dx / d, dy / d)
    };
    let u0 = unit((a.x, a.y), c);
    let u1 = unit(c, (b.x, b.y));
    let start = (a.x + u0.0 * a.r, a.y + u0.1 * a.r);
    let end = (b.x - u1.0 * (b.r + 1.5), b.y - u1.1 * (b.r + 1.5));
    if e.bend == 0.0 {
        format!("M{:.1},{:.1} L{:.1},{:.1}", start.0, start.1, end.0, end.1)
    } else {
        format!("M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}", start.0, start.1, c.0, c.1, end.0, end.1)
    }
}

/// The export's picture, laid out and drawn as an SVG document.
pub fn render(ex: &Export) -> Result<String, String> {
    let p = layout::picture(ex)?;
    Ok(render_picture(ex, &p))
}

/// A laid-out picture drawn as an SVG document.
pub fn render_picture(ex: &Export, p: &Picture) -> String {
    let g = ex.graph;
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" \
         font-family=\"{FONT}\">",
        w = p.width,
        h = p.height
    );
    let _ = writeln!(s, "<desc>{}</desc>", escape(&ex.prov.one_line()));
    let _ = writeln!(s, "<metadata>{}</metadata>", escape(&ex.prov.to_json().to_string()));
    if !p.undirected {
        s.push_str(
            "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" \
             markerHeight=\"7\" orient=\"auto\"><path d=\"M0,1 L10,5 L0,9 z\" fill=\"#8a8a8a\"/></marker></defs>\n",
        );
    }
    s.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    // Legend.
    s.push_str("<g class=\"legend\" font-size=\"11\" fill=\"#333333\">\n");
    let _ = writeln!(
        s,
        "  <text class=\"legend-title\" x=\"24\" y=\"{:.1}\" font-weight=\"bold\">{}</text>",
        layout::LEGEND_TITLE_Y,
        escape(&layout::legend_title(p))
    );
    let places = layout::legend_positions(&p.legend, p.width);
    for ((name, color, count), (x, y)) in p.legend.iter().zip(places) {
        let _ = writeln!(
            s,
            "  <circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"6\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{:.1}\">{} ({count})</text>",
            x + 6.0,
            y - 4.0,
            x + 16.0,
            y,
            escape(name)
        );
    }
    s.push_str("</g>\n");
    // Edges.
    s.push_str("<g class=\"edges\" fill=\"none\" stroke=\"#9a9a9a\" stroke-width=\"1.2\">\n");
    let marker = if p.undirected { "" } else { " marker-end=\"url(#arrow)\"" };
    for e in &p.edges {
        let _ = writeln!(
            s,
            "  <path id=\"e{}\" d=\"{}\"{marker}><title>{}</title></path>",
            e.id,
            edge_path(p, e),
            escape(&edge_title(g, e.id))
        );
    }
    s.push_str("</g>\n");
    let _ = writeln!(
        s,
        "<g class=\"edge-labels\" font-size=\"{EDGE_FONT}\" fill=\"#555555\" text-anchor=\"middle\" \
         stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\">"
    );
    for e in &p.edges {
        if let Some((x, y)) = e.label_at {
            let _ = writeln!(s, "  <text x=\"{x:.1}\" y=\"{:.1}\">{}</text>", y + EDGE_FONT / 3.0, escape(&e.ty));
        }
    }
    s.push_str("</g>\n");
    // Nodes.
    let _ = writeln!(s, "<g class=\"nodes\" font-size=\"{NODE_FONT}\" text-anchor=\"middle\">");
    for nd in &p.nodes {
        let _ = writeln!(
            s,
            "  <g id=\"n{}\"><title>{}</title><circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{:.1}\" fill=\"{}\" \
             stroke=\"#ffffff\" stroke-width=\"1.5\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#222222\" \
             stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\">{}</text></g>",
            nd.id,
            escape(&node_title(g, nd.id)),
            nd.x,
            nd.y,
            nd.r,
            nd.color,
            nd.x,
            nd.y + nd.r + NODE_FONT + 1.0,
            escape(&nd.label)
        );
    }
    s.push_str("</g>\n</svg>\n");
    s
}
