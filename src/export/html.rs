//! The picture as one self-contained HTML page: the layout computed in Rust, drawn as SVG by
//! a little inline script (no network, no library). Scroll or pinch to zoom, drag the
//! background to pan, drag a node to move it (mouse, touch and pen alike: pointer events);
//! it opens fitted to the window, and captions too small to read at the zoom are hidden until
//! zoomed in. Hovering (or tapping) shows a node's properties, or a relationship's type, quote
//! and source. A search box highlights nodes by name. The provenance is in
//! `<meta name="silkgraph-provenance">` and in the page's footer.

use serde_json::{json, Value as J};

use super::layout::{self, EDGE_FONT, NODE_FONT};
use super::xml::escape;
use super::{value_text, Export};

/// JSON that can sit inside a `<script>` element.
fn script_json(j: &J) -> String {
    // `<` appears in JSON only inside strings, where `\u003c` is the same character: no `</script>`
    // or `<!--` can then end or change the element, and the text stays valid JSON.
    j.to_string().replace('<', "\\u003c")
}

/// The export's picture as one self-contained HTML page.
pub fn render(ex: &Export) -> Result<String, String> {
    let g = ex.graph;
    let p = layout::picture(ex)?;
    let props = |ps: &[(crate::store::KeyId, crate::value::Value)]| -> J {
        J::Array(ps.iter().map(|(k, v)| json!([g.keys().name(*k), value_text(g, v)])).collect())
    };
    let nodes: Vec<J> = p
        .nodes
        .iter()
        .map(|n| {
            json!({"id": n.id, "x": (n.x * 10.0).round() / 10.0, "y": (n.y * 10.0).round() / 10.0, "r": n.r,
                   "c": n.color, "l": n.label, "name": n.name, "labels": n.labels, "props": props(&g.node_props(n.id)),
                   "size": n.size_value})
        })
        .collect();
    let edges: Vec<J> = p
        .edges
        .iter()
        .map(|e| {
            json!({"id": e.id, "s": e.s, "t": e.t, "ty": e.ty, "bend": e.bend, "lt": e.label_t, "ls": e.label_shift,
                        "props": props(&g.rel_props(e.id))})
        })
        .collect();
    let data = json!({
        "width": p.width, "height": p.height, "nodeFont": NODE_FONT, "edgeFont": EDGE_FONT,
        "legend": p.legend, "sizeNote": p.size_note, "colorNote": p.color_note,
        "legendTitle": layout::legend_title(&p), "undirected": p.undirected,
        "nodes": nodes, "edges": edges, "provenance": ex.prov.to_json(),
    });
    let title = match &ex.prov.query {
        Some(q) => format!("silkgraph: {}", layout::short_label(q)),
        None => "silkgraph: the whole graph".to_string(),
    };
    let mut s = String::with_capacity(64 * 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str(&format!("<!-- {} -->\n", super::xml::comment(&ex.prov.one_line())));
    s.push_str(&format!(
        "<meta name=\"silkgraph-provenance\" content=\"{}\">\n",
        escape(&ex.prov.to_json().to_string())
    ));
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    s.push_str(&format!("<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n", escape(&title)));
    s.push_str(&format!(
        "<header><b>{}</b> <span id=\"counts\"></span> <input id=\"search\" type=\"search\" \
         placeholder=\"find a node\"> <span id=\"legend\"></span></header>\n",
        escape(&title)
    ));
    s.push_str(
        "<svg id=\"canvas\" xmlns=\"http://www.w3.org/2000/svg\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" \
         refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,1 L10,5 L0,9 z\" \
         fill=\"#8a8a8a\"/></marker></defs><g id=\"view\"><g id=\"edges\"></g><g id=\"elabels\"></g>\
         <g id=\"nodes\"></g></g></svg>\n<div id=\"tip\"></div>\n",
    );
    s.push_str(&format!("<footer>{}</footer>\n", escape(&ex.prov.one_line())));
    s.push_str(&format!("<script type=\"application/json\" id=\"data\">{}</script>\n", script_json(&data)));
    s.push_str(&format!("<script>\n{JS}</script>\n</body>\n</html>\n"));
    Ok(s)
}

const CSS: &str = r##"html, body { margin: 0; height: 100%; font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }
body { display: flex; flex-direction: column; background: #fff; color: #222; }
header { padding: 6px 10px; border-bottom: 1px solid #ddd; font-size: 13px; }
header input { margin: 0 10px; font-size: 12px; }
#legend span.item { margin-right: 10px; white-space: nowrap; font-size: 12px; }
#legend span.dot { display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 3px; }
#canvas { flex: 1; width: 100%; cursor: grab; user-select: none; touch-action: none; }
#canvas.small-captions .node text, #canvas.small-elabels .elabel { display: none; }
#legend b { margin-right: 8px; font-size: 12px; }
#canvas.panning { cursor: grabbing; }
footer { padding: 3px 10px; font-size: 10px; color: #777; border-top: 1px solid #eee; overflow: hidden;
  white-space: nowrap; text-overflow: ellipsis; }
#tip { position: fixed; display: none; max-width: 420px; background: #fffff4; border: 1px solid #bbb;
  border-radius: 4px; padding: 6px 8px; font-size: 12px; pointer-events: none; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
#tip table { border-collapse: collapse; } #tip td { vertical-align: top; padding: 1px 4px; }
#tip td.k { color: #666; white-space: nowrap; } #tip .q { font-style: italic; margin: 4px 0; }
.node { cursor: pointer; } .node text { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.node.dim, .edge.dim, .elabel.dim { opacity: .15; }
.node.hit circle { stroke: #000; stroke-width: 2.5px; }
.edge { fill: none; stroke: #9a9a9a; stroke-width: 1.2px; }
.edge:hover { stroke: #333; stroke-width: 2.5px; }
.elabel { fill: #555; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; pointer-events: none; }
"##;

const JS: &str = r##"(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("canvas"), view = document.getElementById("view");
  var gE = document.getElementById("edges"), gL = document.getElementById("elabels"), gN = document.getElementById("nodes");
  var tip = document.getElementById("tip");
  var tx = 0, ty = 0, k = 1;
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; });
  }
  document.getElementById("counts").textContent =
    "(" + D.nodes.length + " nodes, " + D.edges.length + " relationships" + (D.sizeNote ? "; " + D.sizeNote : "") + ")";
  var legend = document.getElementById("legend");
  var title = document.createElement("b"); title.textContent = D.legendTitle; legend.appendChild(title);
  D.legend.forEach(function (it) {
    var s = document.createElement("span"); s.className = "item";
    s.innerHTML = '<span class="dot" style="background:' + esc(it[1]) + '"></span>' + esc(it[0]) + " (" + it[2] + ")";
    legend.appendChild(s);
  });
  function control(a, b, bend) {
    var mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2, dx = b.x - a.x, dy = b.y - a.y;
    var d = Math.max(Math.sqrt(dx * dx + dy * dy), 0.01);
    return {x: mx - dy / d * bend * 2, y: my + dx / d * bend * 2};
  }
  function pointAt(a, b, bend, t) {
    var c = control(a, b, bend), u = 1 - t;
    return {x: u * u * a.x + 2 * u * t * c.x + t * t * b.x, y: u * u * a.y + 2 * u * t * c.y + t * t * b.y};
  }
  function unit(p, q) {
    var dx = q.x - p.x, dy = q.y - p.y, d = Math.max(Math.sqrt(dx * dx + dy * dy), 0.01);
    return {x: dx / d, y: dy / d};
  }
  function pathOf(e) {
    var a = D.nodes[e.s], b = D.nodes[e.t];
    if (e.s === e.t) {
      var s = 14 + Math.abs(e.bend), r = a.r;
      return "M" + (a.x + r * .7) + "," + (a.y - r * .7) + " C" + (a.x + r + s) + "," + (a.y - r - s * 1.6) + " " +
        (a.x + r + s * 1.6) + "," + (a.y - r + s * .2) + " " + (a.x + r + 1) + "," + (a.y + 1);
    }
    var c = control(a, b, e.bend), u0 = unit(a, c), u1 = unit(c, b);
    var x0 = a.x + u0.x * a.r, y0 = a.y + u0.y * a.r, x1 = b.x - u1.x * (b.r + 1.5), y1 = b.y - u1.y * (b.r + 1.5);
    return "M" + x0 + "," + y0 + (e.bend === 0 ? " L" : " Q" + c.x + "," + c.y + " ") + x1 + "," + y1;
  }
  var byNode = D.nodes.map(function () { return []; });
  D.edges.forEach(function (e) {
    e.path = el("path", D.undirected ? {"class": "edge", d: pathOf(e)} :
      {"class": "edge", d: pathOf(e), "marker-end": "url(#arrow)"}, gE);
    if (e.lt !== null && e.lt !== undefined) {
      var p = pointAt(D.nodes[e.s], D.nodes[e.t], e.bend + e.ls, e.lt);
      e.label = el("text", {"class": "elabel", x: p.x, y: p.y + D.edgeFont / 3, "font-size": D.edgeFont,
        "text-anchor": "middle"}, gL);
      e.label.textContent = e.ty;
    }
    byNode[e.s].push(e); if (e.t !== e.s) byNode[e.t].push(e);
    e.path.addEventListener("pointermove", function (ev) { showTip(ev, edgeTip(e)); });
    e.path.addEventListener("pointerleave", hideTip);
    e.path.addEventListener("pointerdown", function (ev) { if (ev.pointerType !== "mouse") showTip(ev, edgeTip(e)); });
  });
  D.nodes.forEach(function (n, i) {
    n.g = el("g", {"class": "node", transform: "translate(" + n.x + "," + n.y + ")"}, gN);
    el("circle", {r: n.r, fill: n.c, stroke: "#fff", "stroke-width": 1.5}, n.g);
    var t = el("text", {y: n.r + D.nodeFont + 1, "text-anchor": "middle", "font-size": D.nodeFont}, n.g);
    t.textContent = n.l;
    n.g.addEventListener("pointermove", function (ev) { if (!drag) showTip(ev, nodeTip(n)); });
    n.g.addEventListener("pointerleave", hideTip);
    n.g.addEventListener("pointerdown", function (ev) {
      ev.stopPropagation(); drag = {node: n, i: i, id: ev.pointerId, moved: false};
      if (ev.pointerType !== "mouse") showTip(ev, nodeTip(n)); else hideTip();
    });
  });
  function rows(props) {
    return "<table>" + props.map(function (p) {
      return '<tr><td class="k">' + esc(p[0]) + "</td><td>" + esc(p[1]) + "</td></tr>";
    }).join("") + "</table>";
  }
  function nodeTip(n) {
    return "<b>" + esc(n.name) + "</b> " + esc(n.labels.map(function (l) { return ":" + l; }).join("")) + rows(n.props);
  }
  function edgeTip(e) {
    var q = e.props.filter(function (p) { return p[0] === "quote"; })[0];
    var rest = e.props.filter(function (p) { return p[0] !== "quote"; });
    return esc(D.nodes[e.s].name) + " <b>-[:" + esc(e.ty) + "]-&gt;</b> " + esc(D.nodes[e.t].name) +
      (q ? '<div class="q">\u201c' + esc(q[1]) + "\u201d</div>" : "") + rows(rest);
  }
  function showTip(ev, html) {
    tip.innerHTML = html; tip.style.display = "block";
    var x = ev.clientX + 14, y = ev.clientY + 14, w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth) x = Math.max(0, ev.clientX - w - 14);
    if (y + h > window.innerHeight) y = Math.max(0, ev.clientY - h - 14);
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  function hideTip() { tip.style.display = "none"; }
  // Captions smaller than this many pixels on screen are hidden until zoomed in.
  var READABLE = 7;
  function apply() {
    view.setAttribute("transform", "translate(" + tx + "," + ty + ") scale(" + k + ")");
    svg.classList.toggle("small-captions", D.nodeFont * k < READABLE);
    svg.classList.toggle("small-elabels", D.edgeFont * k < READABLE);
  }
  function fit() {
    var r = svg.getBoundingClientRect(), W = r.width || 1000, H = r.height || 700;
    k = Math.min(W / D.width, H / D.height, 2);
    tx = (W - D.width * k) / 2; ty = (H - D.height * k) / 2; apply();
  }
  var drag = null, pan = null, pointers = {}, pinch = null;
  function local(ev) { var r = svg.getBoundingClientRect(); return {x: (ev.clientX - r.left - tx) / k, y: (ev.clientY - r.top - ty) / k}; }
  function zoomAt(cx, cy, nk) {
    var r = svg.getBoundingClientRect(), mx = cx - r.left, my = cy - r.top;
    nk = Math.min(Math.max(nk, 0.05), 20);
    tx = mx - (mx - tx) * nk / k; ty = my - (my - ty) * nk / k; k = nk; apply();
  }
  function spread() {
    var ps = Object.keys(pointers).map(function (id) { return pointers[id]; });
    var dx = ps[0].x - ps[1].x, dy = ps[0].y - ps[1].y;
    return {d: Math.max(Math.sqrt(dx * dx + dy * dy), 1), x: (ps[0].x + ps[1].x) / 2, y: (ps[0].y + ps[1].y) / 2};
  }
  svg.addEventListener("pointerdown", function (ev) {
    pointers[ev.pointerId] = {x: ev.clientX, y: ev.clientY};
    if (Object.keys(pointers).length === 2) { drag = null; pan = null; pinch = spread(); pinch.k = k; return; }
    if (!drag) { pan = {x: ev.clientX - tx, y: ev.clientY - ty}; svg.classList.add("panning"); if (ev.pointerType !== "mouse") hideTip(); }
  });
  window.addEventListener("pointermove", function (ev) {
    if (pointers[ev.pointerId]) pointers[ev.pointerId] = {x: ev.clientX, y: ev.clientY};
    if (pinch && Object.keys(pointers).length === 2) {
      var s = spread(); zoomAt(s.x, s.y, pinch.k * s.d / pinch.d); return;
    }
    if (drag && drag.id === ev.pointerId) {
      var p = local(ev), n = drag.node; n.x = p.x; n.y = p.y;
      n.g.setAttribute("transform", "translate(" + n.x + "," + n.y + ")");
      byNode[drag.i].forEach(function (e) {
        e.path.setAttribute("d", pathOf(e));
        if (e.label) {
          var q = pointAt(D.nodes[e.s], D.nodes[e.t], e.bend + e.ls, e.lt);
          e.label.setAttribute("x", q.x); e.label.setAttribute("y", q.y + D.edgeFont / 3);
        }
      });
    } else if (pan) { tx = ev.clientX - pan.x; ty = ev.clientY - pan.y; apply(); }
  });
  function up(ev) {
    delete pointers[ev.pointerId];
    if (Object.keys(pointers).length < 2) pinch = null;
    if (drag && drag.id === ev.pointerId) drag = null;
    if (Object.keys(pointers).length === 0) { pan = null; svg.classList.remove("panning"); }
  }
  window.addEventListener("pointerup", up);
  window.addEventListener("pointercancel", up);
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    zoomAt(ev.clientX, ev.clientY, k * Math.exp(-ev.deltaY * 0.0015));
  }, {passive: false});
  svg.addEventListener("dblclick", fit);
  document.getElementById("search").addEventListener("input", function (ev) {
    var q = ev.target.value.trim().toLowerCase();
    D.nodes.forEach(function (n) {
      var hit = q !== "" && n.name.toLowerCase().indexOf(q) >= 0;
      n.g.classList.toggle("hit", hit); n.g.classList.toggle("dim", q !== "" && !hit);
    });
    D.edges.forEach(function (e) {
      e.path.classList.toggle("dim", q !== "");
      if (e.label) e.label.classList.toggle("dim", q !== "");
    });
  });
  window.addEventListener("resize", fit);
  fit();
})();
"##;
