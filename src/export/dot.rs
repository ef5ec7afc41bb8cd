//! Graphviz DOT: `dot -Tsvg FILE.dot` draws it. Nodes are labelled by their display name
//! (wrapped) and filled by a colour per label; relationships are labelled by their type.
//! Properties are attributes too (quoted strings, numbers bare), and a relationship's `quote`
//! is also its tooltip. A property whose name Graphviz uses itself (`label`, `color`, ...) is
//! written as `prop_NAME`. The first line is a `//` comment with the provenance.

use std::fmt::Write as _;

use super::{display_name, label_names, type_name, Export};
use crate::store::{Graph, KeyId};
use crate::value::Value;

/// Graphviz attribute names a property must not take over.
const GRAPHVIZ_ATTRS: &[&str] = &[
    "area",
    "arrowhead",
    "arrowsize",
    "arrowtail",
    "class",
    "color",
    "colorscheme",
    "comment",
    "constraint",
    "decorate",
    "dir",
    "distortion",
    "fillcolor",
    "fixedsize",
    "fontcolor",
    "fontname",
    "fontsize",
    "gradientangle",
    "group",
    "headclip",
    "headlabel",
    "headport",
    "height",
    "href",
    "id",
    "image",
    "imagepos",
    "imagescale",
    "label",
    "labelangle",
    "labeldistance",
    "labelfloat",
    "labelfontcolor",
    "labelfontname",
    "labelfontsize",
    "labelloc",
    "layer",
    "len",
    "lhead",
    "ltail",
    "margin",
    "minlen",
    "nojustify",
    "ordering",
    "orientation",
    "penwidth",
    "peripheries",
    "pin",
    "pos",
    "rank",
    "regular",
    "samehead",
    "sametail",
    "shape",
    "shapefile",
    "showboxes",
    "sides",
    "skew",
    "sortv",
    "style",
    "tailclip",
    "taillabel",
    "tailport",
    "target",
    "tooltip",
    "url",
    "vertices",
    "weight",
    "width",
    "xlabel",
    "xlp",
    "z",
];

/// A DOT double-quoted string.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            // Graphviz has no escape for other control characters.
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Breaks a label into lines of about `width` characters at spaces.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// DOT's keywords, which cannot be a bare attribute name (any case).
const DOT_KEYWORDS: &[&str] = &["node", "edge", "graph", "digraph", "subgraph", "strict"];

fn attr_name(k: &str) -> String {
    let lower = k.to_ascii_lowercase();
    // `labels` is the attribute silkgraph writes a node's labels in.
    let name =
        if GRAPHVIZ_ATTRS.contains(&lower.as_str()) || lower == "labels" { format!("prop_{k}") } else { k.to_string() };
    if name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !DOT_KEYWORDS.contains(&name.to_ascii_lowercase().as_str())
    {
        name
    } else {
        quoted(&name)
    }
}

fn attrs(g: &Graph, props: &[(KeyId, Value)], out: &mut Vec<String>) {
    for (k, v) in props {
        let text = match v {
            Value::Int(i) => i.to_string(),
            Value::Float(f) if f.is_finite() => crate::value::format_float(*f),
            other => quoted(&super::value_text(g, other)),
        };
        out.push(format!("{}={text}", attr_name(g.keys().name(*k))));
    }
}

/// The export as a Graphviz DOT document.
pub fn render(ex: &Export) -> String {
    let g = ex.graph;
    let mut s = format!("// {}\n", ex.prov.one_line());
    // A graph of undirected ties is a Graphviz `graph`, its edges `--`.
    let (kind, edge) = if ex.graph.undirected() { ("graph", "--") } else { ("digraph", "->") };
    let _ = writeln!(s, "{kind} silkgraph {{");
    let _ = writeln!(
        s,
        "  graph [comment={}, overlap=false, splines=true, fontname=\"Helvetica\"];",
        quoted(&ex.prov.one_line())
    );
    s.push_str(
        "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, color=\"#555555\"];\n",
    );
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=8, color=\"#888888\", fontcolor=\"#444444\"];\n");
    let palette = super::layout::Palette::for_labels(g);
    for &n in &ex.sub.nodes {
        let labels = label_names(g, n);
        let mut a = vec![
            format!("label={}", quoted(&wrap(&display_name(g, n), 28).join("\n"))),
            format!("fillcolor=\"{}\"", palette.hex(labels.first().copied().unwrap_or(""))),
            format!("labels={}", quoted(&labels.iter().map(|l| format!(":{l}")).collect::<String>())),
        ];
        attrs(g, &g.node_props(n), &mut a);
        let _ = writeln!(s, "  n{n} [{}];", a.join(", "));
    }
    for &r in &ex.sub.rels {
        let Some((x, y)) = g.rel_ends(r) else { continue };
        let mut a = vec![format!("label={}", quoted(type_name(g, r))), format!("id=\"e{r}\"")];
        if let Some(Value::String(q)) = g.key_id("quote").and_then(|k| g.rel_prop(r, k)) {
            a.push(format!("tooltip={}", quoted(&q)));
        }
        attrs(g, &g.rel_props(r), &mut a);
        let _ = writeln!(s, "  n{x} {edge} n{y} [{}];", a.join(", "));
    }
    s.push_str("}\n");
    s
}
