//! The picture of a subgraph, computed in Rust for the SVG and HTML views: a force-directed
//! layout (Fruchterman–Reingold with a fixed seed, so the same subgraph always gives the same
//! picture), then overlap removal so that no two nodes' labels overlap, then edge labels
//! placed where they collide with nothing. Colours come from a palette by label (or by a
//! property's values), sizes optionally from a numeric property or a score.

use std::collections::HashMap;

use super::{display_name, label_names, type_name, ColorBy, Export, SizeBy};
use crate::store::Graph;
use crate::value::{NodeId, RelId, Value};

// ---- colours ------------------------------------------------------------------------------------

const COLORS: [(u8, u8, u8); 20] = [
    (0x4e, 0x79, 0xa7),
    (0xf2, 0x8e, 0x2b),
    (0xe1, 0x57, 0x59),
    (0x76, 0xb7, 0xb2),
    (0x59, 0xa1, 0x4f),
    (0xed, 0xc9, 0x48),
    (0xb0, 0x7a, 0xa1),
    (0xff, 0x9d, 0xa7),
    (0x9c, 0x75, 0x5f),
    (0xba, 0xb0, 0xac),
    (0xa0, 0xcb, 0xe8),
    (0xff, 0xbe, 0x7d),
    (0x8c, 0xd1, 0x7d),
    (0xb6, 0x99, 0x2d),
    (0x49, 0x98, 0x94),
    (0x86, 0xbc, 0xb6),
    (0xd4, 0xa6, 0xc8),
    (0xd3, 0x72, 0x95),
    (0xd7, 0xb5, 0xa6),
    (0x79, 0x70, 0x6e),
];

/// Colours for a set of keys (labels, or a property's values), the most frequent first.
#[derive(Debug, Clone, Default)]
pub struct Palette {
    keys: Vec<String>,
}

impl Palette {
    /// Keys sorted by how often they occur (most first), then by name.
    pub fn for_keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> Palette {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for k in keys {
            *count.entry(k).or_default() += 1;
        }
        let mut ks: Vec<(&str, usize)> = count.into_iter().collect();
        ks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        Palette { keys: ks.into_iter().map(|(k, _)| k.to_string()).collect() }
    }

    /// Colours for keys in the order given (the first key gets the first colour).
    pub fn ordered(keys: Vec<String>) -> Palette {
        Palette { keys }
    }

    /// A palette over the graph's labels in the order the graph first met them, so that a
    /// label has the same colour in every picture of the graph, whichever nodes it shows.
    pub fn for_labels(g: &Graph) -> Palette {
        Palette::ordered(g.labels().iter().map(|(_, l)| l.to_string()).collect())
    }

    /// The keys, the most frequent first.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The colour of a key as red, green and blue; grey for a key the palette does not know.
    pub fn rgb(&self, key: &str) -> (u8, u8, u8) {
        match self.keys.iter().position(|k| k == key) {
            Some(i) if i < COLORS.len() => COLORS[i],
            Some(i) => hsl_to_rgb((i as f64 * 137.508) % 360.0, 0.55, 0.6),
            None => (0xbb, 0xbb, 0xbb),
        }
    }

    /// The colours keys get in turn, as `#rrggbb` (the browser colours by them too).
    pub fn hex_colors() -> Vec<String> {
        COLORS.iter().map(|(r, g, b)| format!("#{r:02x}{g:02x}{b:02x}")).collect()
    }

    /// The colour of a key as `#rrggbb`.
    pub fn hex(&self, key: &str) -> String {
        let (r, g, b) = self.rgb(key);
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

fn hsl_to_rgb(h: f64, s: f64, l: f64) -> (u8, u8, u8) {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let f = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    (f(r), f(g), f(b))
}

// ---- the picture ----------------------------------------------------------------------------------

/// Font sizes and the width of a character, estimated for a sans-serif face.
pub const NODE_FONT: f64 = 11.0;
/// The font size of relationship labels.
pub const EDGE_FONT: f64 = 9.0;
const CHAR_W: f64 = 0.6;
const LABEL_MAX: usize = 32;

/// A drawn node.
#[derive(Debug, Clone)]
pub struct PNode {
    /// The node's id in the graph.
    pub id: NodeId,
    /// The horizontal position of the node's centre.
    pub x: f64,
    /// The vertical position of the node's centre.
    pub y: f64,
    /// The radius of the node's circle.
    pub r: f64,
    /// The fill colour, as `#rrggbb`.
    pub color: String,
    /// The shown label (cut to a length), and the full display name.
    pub label: String,
    /// The full display name, shown on hover.
    pub name: String,
    /// The node's label names.
    pub labels: Vec<String>,
    /// The size value (property or score), if sized.
    pub size_value: Option<f64>,
}

/// A drawn relationship: from node index `s` to `t`, bent by `bend` (a quadratic curve's
/// control point offset, 0 for a straight line), its label at `label_at` when it fits.
#[derive(Debug, Clone)]
pub struct PEdge {
    /// The relationship's id in the graph.
    pub id: RelId,
    /// The index in `Picture::nodes` of the start node.
    pub s: usize,
    /// The index in `Picture::nodes` of the end node.
    pub t: usize,
    /// The relationship's type name.
    pub ty: String,
    /// The offset of the curve's control point (0 for a straight line), set apart for parallel
    /// relationships.
    pub bend: f64,
    /// Where the type label is drawn, if there is room for it.
    pub label_at: Option<(f64, f64)>,
    /// Where along the edge (0 to 1) its label is, and how far off the curve (as extra bend).
    pub label_t: Option<f64>,
    /// How far the label is moved off the curve, as extra bend.
    pub label_shift: f64,
}

/// A laid-out picture.
#[derive(Debug, Clone, Default)]
pub struct Picture {
    /// The drawn nodes.
    pub nodes: Vec<PNode>,
    /// The drawn relationships.
    pub edges: Vec<PEdge>,
    /// The picture's width.
    pub width: f64,
    /// The picture's height.
    pub height: f64,
    /// Colour key, colour, count.
    pub legend: Vec<(String, String, usize)>,
    /// What the node sizes mean, when sized.
    pub size_note: Option<String>,
    /// What the colours mean (`label` or a property name).
    pub color_note: String,
    /// Relationships are drawn as ties, without arrows.
    pub undirected: bool,
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The label shown under a node: its display name, cut in the middle when long, so that names
/// sharing a long beginning ("Agreement between ... on X", "... on Y") stay apart.
pub fn short_label(name: &str) -> String {
    let s = super::one_line(name);
    let n = s.chars().count();
    if n <= LABEL_MAX {
        return s;
    }
    let head: String = s.chars().take(LABEL_MAX / 2 - 1).collect();
    let tail: String = s.chars().skip(n - LABEL_MAX / 2).collect();
    format!("{}…{}", head.trim_end(), tail.trim_start())
}

/// The estimated width of a text in a sans-serif face of size `font`.
pub fn text_width(s: &str, font: f64) -> f64 {
    s.chars().count() as f64 * font * CHAR_W
}

/// A node's footprint: the circle and the label under it.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

fn footprint(n: &PNode, pad: f64) -> Rect {
    let half = n.r.max(text_width(&n.label, NODE_FONT) / 2.0 + 2.0);
    Rect { x0: n.x - half - pad, y0: n.y - n.r - pad, x1: n.x + half + pad, y1: n.y + n.r + NODE_FONT + 5.0 + pad }
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Int(i)) => Some(*i as f64),
        Some(Value::Float(f)) if f.is_finite() => Some(*f),
        _ => None,
    }
}

/// Lays out the subgraph.
pub fn picture(ex: &Export) -> Result<Picture, String> {
    let g = ex.graph;
    let sub = ex.sub;
    let index: HashMap<NodeId, usize> = sub.nodes.iter().enumerate().map(|(i, &id)| (id, i)).collect();

    // Colours: a label keeps its colour in every picture of the graph; the values of a property
    // or a score are coloured, and listed, in their order.
    let color_value = |id: NodeId| -> Option<Value> {
        match &ex.style.color {
            ColorBy::Label => None,
            ColorBy::Property(p) => g.key_id(p).and_then(|k| g.node_prop(id, k)),
            ColorBy::Scores(_, s) => s.get(&id).map(|f| match f.fract() == 0.0 && f.abs() < 1e15 {
                true => Value::Int(*f as i64),
                false => Value::Float(*f),
            }),
        }
    };
    let keys: Vec<String> = sub
        .nodes
        .iter()
        .map(|&id| match &ex.style.color {
            ColorBy::Label => label_names(g, id).first().copied().unwrap_or("").to_string(),
            _ => color_value(id).map_or_else(String::new, |v| super::value_text(g, &v)),
        })
        .collect();
    let palette = match &ex.style.color {
        ColorBy::Label => Palette::for_labels(g),
        _ => {
            let mut values: Vec<Value> = sub.nodes.iter().filter_map(|&id| color_value(id)).collect();
            values.sort_by(crate::value::Value::order);
            values.dedup();
            Palette::ordered(values.iter().map(|v| super::value_text(g, v)).collect())
        }
    };
    let none = String::new();
    let mut shown: Vec<&String> = Vec::new();
    for k in palette.keys().iter().chain(std::iter::once(&none)) {
        if keys.contains(k) && !shown.contains(&k) {
            shown.push(k);
        }
    }
    let count = |k: &String| keys.iter().filter(|x| *x == k).count();
    if matches!(ex.style.color, ColorBy::Label) {
        shown.sort_by_key(|k| std::cmp::Reverse(count(k)));
    }
    let legend: Vec<(String, String, usize)> = shown
        .into_iter()
        .map(|k| {
            let name = if k.is_empty() { "(none)".to_string() } else { short_label(k) };
            (name, palette.hex(k), count(k))
        })
        .collect();

    // Sizes.
    let values: Vec<Option<f64>> = sub
        .nodes
        .iter()
        .map(|&id| match &ex.style.size {
            SizeBy::Uniform => None,
            SizeBy::Property(p) => number(g.key_id(p).and_then(|k| g.node_prop(id, k)).as_ref()),
            SizeBy::Scores(_, s) => s.get(&id).copied().filter(|f| f.is_finite()),
        })
        .collect();
    let (lo, hi) = values.iter().flatten().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    let radius = |v: Option<f64>| -> f64 {
        match v {
            None if matches!(ex.style.size, SizeBy::Uniform) => 7.0,
            None => 4.0,
            Some(_) if hi <= lo => 10.0,
            Some(v) => 5.0 + 17.0 * ((v - lo) / (hi - lo)).sqrt(),
        }
    };
    let size_note = match &ex.style.size {
        SizeBy::Uniform => None,
        SizeBy::Property(p) => Some(format!("size: {p}")),
        SizeBy::Scores(name, _) => Some(format!("size: {name}")),
    };

    let mut nodes: Vec<PNode> = sub
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let name = display_name(g, id);
            PNode {
                id,
                x: 0.0,
                y: 0.0,
                r: radius(values[i]),
                color: palette.hex(&keys[i]),
                label: short_label(&name),
                name,
                labels: label_names(g, id).iter().map(|s| s.to_string()).collect(),
                size_value: values[i],
            }
        })
        .collect();

    // Edges, with bends for parallel ones.
    let mut edges: Vec<PEdge> = Vec::new();
    let mut pairs: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for &r in &sub.rels {
        let Some((a, b)) = g.rel_ends(r) else { continue };
        let (Some(&s), Some(&t)) = (index.get(&a), index.get(&b)) else { continue };
        pairs.entry((s.min(t), s.max(t))).or_default().push(edges.len());
        edges.push(PEdge {
            id: r,
            s,
            t,
            ty: type_name(g, r).to_string(),
            bend: 0.0,
            label_at: None,
            label_t: None,
            label_shift: 0.0,
        });
    }
    for ((lo_i, _), list) in &pairs {
        let m = list.len();
        for (j, &e) in list.iter().enumerate() {
            let mut off = (j as f64 - (m as f64 - 1.0) / 2.0) * 22.0;
            if edges[e].s != *lo_i {
                off = -off; // the same side whichever way the relationship points
            }
            edges[e].bend = off;
        }
    }

    // Sorted, so that the sums (and so the picture) do not depend on hash order.
    let mut linked: Vec<(usize, usize)> = pairs.keys().copied().filter(|(a, b)| a != b).collect();
    linked.sort_unstable();
    force_layout(&mut nodes, &linked, &ex.style.stop)?;
    remove_overlaps(&mut nodes, &ex.style.stop)?;

    // Frame: shift everything into view, below the legend.
    let legend_h = legend_height(&legend, frame_width(&nodes));
    let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for nd in &nodes {
        let f = footprint(nd, 0.0);
        x0 = x0.min(f.x0);
        y0 = y0.min(f.y0 - 20.0);
        x1 = x1.max(f.x1);
        y1 = y1.max(f.y1);
    }
    if nodes.is_empty() {
        (x0, y0, x1, y1) = (0.0, 0.0, 200.0, 100.0);
    }
    let margin = 24.0;
    let dx = margin - x0;
    let dy = margin + legend_h - y0;
    for nd in &mut nodes {
        nd.x += dx;
        nd.y += dy;
    }
    let width = (x1 - x0 + 2.0 * margin).max(320.0);
    let height = y1 - y0 + 2.0 * margin + legend_h;
    place_edge_labels(&nodes, &mut edges);
    // A type's name is written on one of its relationships; every one shows it on hover.
    let mut named: Vec<String> = Vec::new();
    for e in &mut edges {
        if e.label_at.is_some() {
            if named.contains(&e.ty) {
                e.label_at = None;
                e.label_t = None;
            } else {
                named.push(e.ty.clone());
            }
        }
    }
    Ok(Picture {
        nodes,
        edges,
        width: width.ceil(),
        height: height.ceil(),
        legend,
        size_note,
        color_note: match &ex.style.color {
            ColorBy::Label => "label".into(),
            ColorBy::Property(p) => p.clone(),
            ColorBy::Scores(name, _) => name.clone(),
        },
        undirected: ex.style.undirected(g),
    })
}

/// The legend's rows laid out left to right within `width`: `(x, y)` of each entry.
pub fn legend_positions(legend: &[(String, String, usize)], width: f64) -> Vec<(f64, f64)> {
    // Below the legend's title (`LEGEND_TITLE_Y`).
    let (mut x, mut y) = (24.0, LEGEND_TITLE_Y + 18.0);
    let mut out = Vec::new();
    for (name, _, count) in legend {
        let w = 18.0 + text_width(&format!("{name} ({count})"), NODE_FONT) + 14.0;
        if x > 24.0 && x + w > width - 24.0 {
            x = 24.0;
            y += 18.0;
        }
        out.push((x, y));
        x += w;
    }
    out
}

/// Where the legend's title (what the colours mean) stands.
pub const LEGEND_TITLE_Y: f64 = 20.0;

/// The legend's title: what the colours (and sizes) mean.
pub fn legend_title(p: &Picture) -> String {
    let mut t = match p.color_note.as_str() {
        "label" => "colour: the node's label".to_string(),
        note => format!("colour: {note}"),
    };
    if let Some(size) = &p.size_note {
        t.push_str(&format!("; {size} (larger is more)"));
    }
    if p.undirected {
        t.push_str("; ties without direction");
    }
    t
}

fn frame_width(nodes: &[PNode]) -> f64 {
    let (a, b) = nodes.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), nd| {
        let f = footprint(nd, 0.0);
        (a.min(f.x0), b.max(f.x1))
    });
    if nodes.is_empty() {
        320.0
    } else {
        (b - a + 48.0).max(320.0)
    }
}

fn legend_height(legend: &[(String, String, usize)], width: f64) -> f64 {
    legend_positions(legend, width).last().map_or(0.0, |(_, y)| y + 16.0)
}

/// Up to this many nodes every pair repels; above it only nodes closer than `2k` do, found
/// through a grid (Fruchterman and Reingold's own grid variant), so a large picture's layout
/// grows with the nodes, not their square.
const EXACT_REPULSION: usize = 1500;

/// The repulsion between nodes closer than `2k`, each found in its own or a neighbouring cell
/// of a grid of `2k` squares.
fn grid_repulsion(pos: &[(f64, f64)], disp: &mut [(f64, f64)], k: f64) {
    let cell = 2.0 * k;
    let at = |p: (f64, f64)| ((p.0 / cell).floor() as i64, (p.1 / cell).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, &p) in pos.iter().enumerate() {
        grid.entry(at(p)).or_default().push(i);
    }
    for (i, &p) in pos.iter().enumerate() {
        let (cx, cy) = at(p);
        for gx in cx - 1..=cx + 1 {
            for gy in cy - 1..=cy + 1 {
                for &j in grid.get(&(gx, gy)).map_or(&[][..], Vec::as_slice) {
                    let (dx, dy) = (p.0 - pos[j].0, p.1 - pos[j].1);
                    let d2 = dx * dx + dy * dy;
                    if j == i || d2 > cell * cell {
                        continue;
                    }
                    let f = k * k / d2.max(0.01);
                    disp[i].0 += dx * f;
                    disp[i].1 += dy * f;
                }
            }
        }
    }
}

/// Fruchterman–Reingold with gravity, from seeded random positions.
fn force_layout(nodes: &mut [PNode], pairs: &[(usize, usize)], stop: &super::Stop) -> Result<(), String> {
    let n = nodes.len();
    if n == 0 {
        return Ok(());
    }
    let mut rng = Rng(0x5EED_5EED);
    let k = 115.0; // the ideal distance between linked nodes
    let side = (n as f64).sqrt() * k;
    let mut pos: Vec<(f64, f64)> = (0..n).map(|_| (rng.next() * side, rng.next() * side)).collect();
    let iterations = if n <= 1500 { 400 } else { (400 * 1500 / n).max(40) };
    let mut disp = vec![(0.0f64, 0.0f64); n];
    // Gravity balances the push of every other node; with only near ones pushing (the grid)
    // it would pull a large picture into a clump, so there the random start's spread stays.
    let gravity = if n <= EXACT_REPULSION { 4.0 * n as f64 * k * k / (side * side) } else { 0.0 };
    for it in 0..iterations {
        stop.check(n)?;
        let temp = side / 8.0 * (1.0 - it as f64 / iterations as f64) + 0.5;
        disp.iter_mut().for_each(|d| *d = (0.0, 0.0));
        if n <= EXACT_REPULSION {
            for i in 0..n {
                for j in (i + 1)..n {
                    let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                    let d2 = (dx * dx + dy * dy).max(0.01);
                    let f = k * k / d2; // k²/d, times the unit vector (dx/d)
                    disp[i].0 += dx * f;
                    disp[i].1 += dy * f;
                    disp[j].0 -= dx * f;
                    disp[j].1 -= dy * f;
                }
            }
        } else {
            grid_repulsion(&pos, &mut disp, k);
        }
        for &(a, b) in pairs {
            let (dx, dy) = (pos[a].0 - pos[b].0, pos[a].1 - pos[b].1);
            let d = (dx * dx + dy * dy).sqrt().max(0.01);
            let f = d / k; // d²/k, times the unit vector
            disp[a].0 -= dx * f;
            disp[a].1 -= dy * f;
            disp[b].0 += dx * f;
            disp[b].1 += dy * f;
        }
        let (cx, cy) = pos.iter().fold((0.0, 0.0), |(x, y), p| (x + p.0 / n as f64, y + p.1 / n as f64));
        for i in 0..n {
            // Gravity keeps separate components together: strong enough that a lone node rests
            // about `side / 2` from the centre, against the push of all the others.
            disp[i].0 -= (pos[i].0 - cx) * gravity;
            disp[i].1 -= (pos[i].1 - cy) * gravity;
            let d = (disp[i].0 * disp[i].0 + disp[i].1 * disp[i].1).sqrt();
            if d > 0.0 {
                let step = d.min(temp);
                pos[i].0 += disp[i].0 / d * step;
                pos[i].1 += disp[i].1 / d * step;
            }
        }
    }
    for (nd, p) in nodes.iter_mut().zip(pos) {
        nd.x = p.0;
        nd.y = p.1;
    }
    Ok(())
}

/// Moves nodes apart until no two footprints (circle and label) overlap.
fn remove_overlaps(nodes: &mut [PNode], stop: &super::Stop) -> Result<(), String> {
    let n = nodes.len();
    // Each pass costs about n log n; a large picture gets fewer (what is left is a picture too
    // dense to read in any case).
    let passes = if n <= EXACT_REPULSION { 5000 } else { (5000 * EXACT_REPULSION / n).max(50) };
    for _ in 0..passes {
        stop.check(n)?;
        let rects: Vec<Rect> = nodes.iter().map(|nd| footprint(nd, 3.0)).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| rects[a].x0.total_cmp(&rects[b].x0));
        let mut moved = false;
        for (oi, &i) in order.iter().enumerate() {
            for &j in &order[oi + 1..] {
                if rects[j].x0 >= rects[i].x1 {
                    break;
                }
                let (a, b) = (&rects[i], &rects[j]);
                if !a.overlaps(b) {
                    continue;
                }
                let ox = a.x1.min(b.x1) - a.x0.max(b.x0);
                let oy = a.y1.min(b.y1) - a.y0.max(b.y0);
                let (ci, cj) = ((a.x0 + a.x1) / 2.0, (b.x0 + b.x1) / 2.0);
                let (mi, mj) = ((a.y0 + a.y1) / 2.0, (b.y0 + b.y1) / 2.0);
                if ox < oy {
                    let s = if ci < cj || (ci == cj && i < j) { 1.0 } else { -1.0 };
                    nodes[i].x -= s * (ox / 2.0 + 0.5);
                    nodes[j].x += s * (ox / 2.0 + 0.5);
                } else {
                    let s = if mi < mj || (mi == mj && i < j) { 1.0 } else { -1.0 };
                    nodes[i].y -= s * (oy / 2.0 + 0.5);
                    nodes[j].y += s * (oy / 2.0 + 0.5);
                }
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    Ok(())
}

/// The point at `t` on an edge drawn as a quadratic curve bent by `bend`.
pub fn edge_point(a: (f64, f64), b: (f64, f64), bend: f64, t: f64) -> (f64, f64) {
    let c = control(a, b, bend);
    let u = 1.0 - t;
    (u * u * a.0 + 2.0 * u * t * c.0 + t * t * b.0, u * u * a.1 + 2.0 * u * t * c.1 + t * t * b.1)
}

/// The control point of an edge's curve: off the midpoint, square to the line, by twice `bend`
/// (so the curve's own midpoint is `bend` away).
pub fn control(a: (f64, f64), b: (f64, f64), bend: f64) -> (f64, f64) {
    let (mx, my) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let d = (dx * dx + dy * dy).sqrt().max(0.01);
    (mx - dy / d * bend * 2.0, my + dx / d * bend * 2.0)
}

/// Puts each edge's label on the edge where it overlaps no node and no other edge label; an
/// edge whose label fits nowhere shows it on hover only.
fn place_edge_labels(nodes: &[PNode], edges: &mut [PEdge]) {
    const CELL: f64 = 64.0;
    let mut grid: HashMap<(i64, i64), Vec<Rect>> = HashMap::new();
    let cells = |r: &Rect| {
        let (a, b) = ((r.x0 / CELL).floor() as i64, (r.y0 / CELL).floor() as i64);
        let (c, d) = ((r.x1 / CELL).floor() as i64, (r.y1 / CELL).floor() as i64);
        (a..=c).flat_map(move |x| (b..=d).map(move |y| (x, y)))
    };
    let add = |grid: &mut HashMap<(i64, i64), Vec<Rect>>, r: Rect| {
        for c in cells(&r) {
            grid.entry(c).or_default().push(r);
        }
    };
    for nd in nodes {
        add(&mut grid, footprint(nd, 1.0));
    }
    for e in edges.iter_mut() {
        if e.s == e.t {
            continue;
        }
        let (a, b) = ((nodes[e.s].x, nodes[e.s].y), (nodes[e.t].x, nodes[e.t].y));
        let w = text_width(&e.ty, EDGE_FONT) + 4.0;
        let h = EDGE_FONT + 3.0;
        let candidates = [0.5, 0.44, 0.56, 0.38, 0.62, 0.32, 0.68, 0.26, 0.74, 0.2, 0.8];
        'find: for t in candidates {
            for shift in [0.0, -7.0, 7.0] {
                let p = edge_point(a, b, e.bend + shift / 2.0, t);
                let r = Rect { x0: p.0 - w / 2.0, y0: p.1 - h / 2.0, x1: p.0 + w / 2.0, y1: p.1 + h / 2.0 };
                let free = cells(&r).all(|c| grid.get(&c).is_none_or(|v| v.iter().all(|o| !o.overlaps(&r))));
                if free {
                    e.label_at = Some(p);
                    e.label_t = Some(t);
                    e.label_shift = shift / 2.0;
                    add(&mut grid, r);
                    break 'find;
                }
            }
        }
    }
}

/// Whether any two node footprints overlap (for tests).
pub fn any_overlap(p: &Picture) -> bool {
    let rects: Vec<Rect> = p.nodes.iter().map(|nd| footprint(nd, 0.0)).collect();
    (0..rects.len()).any(|i| ((i + 1)..rects.len()).any(|j| rects[i].overlaps(&rects[j])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_a_large_picture_only_near_nodes_push_each_other() {
        let k = 100.0;
        // Two near nodes push apart, equally and oppositely; a far one feels nothing.
        let pos = [(0.0, 0.0), (50.0, 0.0), (5000.0, 5000.0)];
        let mut disp = vec![(0.0, 0.0); 3];
        grid_repulsion(&pos, &mut disp, k);
        assert!(disp[0].0 < 0.0 && disp[1].0 > 0.0, "{disp:?}");
        assert!((disp[0].0 + disp[1].0).abs() < 1e-9);
        assert_eq!(disp[2], (0.0, 0.0));
        // The same force as the exact way for a pair within reach.
        assert!((disp[1].0 - k * k / 50.0).abs() < 1e-9);
    }
}
