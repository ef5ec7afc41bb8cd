// silkgraph's graph view: an SVG drawing of nodes and relationships laid out by a force
// simulation that cools and settles. Drag a node to move and pin it (double-tap or Alt-click
// unpins), drag the background to pan, wheel or pinch to zoom; pointer events serve mouse,
// touch and pen alike. Double-click a node to expand it. Colours and sizes come from the
// page (by label, community or any numeric score), with a titled legend.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";

function el(name, attrs, parent) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}

// Splits a caption into lines of at most `width` characters, breaking at spaces (and inside
// words longer than a line); never more than `max` lines (the last ending in "…" if cut), so
// names that share a long beginning still differ on screen.
function wrap(text, width = 16, max = 6) {
  const words = String(text).split(/\s+/).filter(Boolean);
  const lines = [];
  let line = "";
  for (let w of words) {
    while (w.length > width) {
      if (line) { lines.push(line); line = ""; }
      lines.push(w.slice(0, width - 1) + "-");
      w = w.slice(width - 1);
    }
    if (!line) line = w;
    else if (line.length + 1 + w.length <= width) line += " " + w;
    else { lines.push(line); line = w; }
  }
  if (line) lines.push(line);
  if (lines.length > max) {
    const cut = lines.slice(0, max);
    cut[max - 1] = cut[max - 1].slice(0, width - 1) + "…";
    return cut;
  }
  return lines;
}

class GraphView {
  constructor(container, opts) {
    this.container = container;
    this.opts = opts; // {onSelect(kind, item), onExpand(node, event), captionFor(node), colorFor(node), sizeFor(node)}
    this.nodes = new Map();
    this.rels = new Map();
    this.undirected = false;
    this.view = { x: 0, y: 0, k: 1 };
    this.alpha = 0;
    this.pointers = new Map();
    this.svg = el("svg", { class: "graph-svg", role: "img", "aria-label": "graph of the result" }, container);
    const defs = el("defs", {}, this.svg);
    const marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0,0 L10,5 L0,10 z", fill: "#777" }, marker);
    this.root = el("g", { class: "viewport" }, this.svg);
    this.relLayer = el("g", { class: "rels" }, this.root);
    this.nodeLayer = el("g", { class: "nodes" }, this.root);
    // Captions above every circle, so no node hides another's name.
    this.captionLayer = el("g", { class: "captions" }, this.root);
    this.bindPointers();
  }

  clear() {
    this.nodes.clear();
    this.rels.clear();
    this.relLayer.replaceChildren();
    this.nodeLayer.replaceChildren();
    this.captionLayer.replaceChildren();
    this.view = { x: 0, y: 0, k: 1 };
    this.applyView();
  }

  size() {
    const r = this.svg.getBoundingClientRect();
    return { w: r.width || 800, h: r.height || 500 };
  }

  // Adds nodes and relationships (ones already drawn are kept where they are); new nodes start
  // near `around` (a node expanded) or in a circle.
  add(graph, around) {
    const { w, h } = this.size();
    this.undirected = !!graph.undirected;
    let i = 0;
    const fresh = graph.nodes.filter((n) => !this.nodes.has(n.id));
    for (const n of fresh) {
      const a = (2 * Math.PI * i++) / Math.max(1, fresh.length);
      const c = around || { x: (w / 2 - this.view.x) / this.view.k, y: (h / 2 - this.view.y) / this.view.k };
      const r = around ? 80 : 40 + 8 * Math.sqrt(fresh.length);
      const node = Object.assign({}, n, { x: c.x + r * Math.cos(a), y: c.y + r * Math.sin(a), vx: 0, vy: 0, fixed: false });
      this.nodes.set(n.id, node);
      this.drawNode(node);
    }
    for (const r of graph.rels) {
      if (this.rels.has(r.id) || !this.nodes.has(r.start) || !this.nodes.has(r.end)) continue;
      const rel = Object.assign({}, r);
      this.rels.set(r.id, rel);
      this.drawRel(rel);
    }
    this.restyle();
    this.kick(1);
    return fresh.length;
  }

  drawNode(n) {
    const g = el("g", { class: "node", tabindex: "0", "data-id": n.id }, this.nodeLayer);
    n.el = g;
    n.circle = el("circle", { r: 10 }, g);
    n.label = el("text", { class: "caption", "text-anchor": "middle" }, this.captionLayer);
    n.title = el("title", {}, g);
    g.addEventListener("click", (e) => {
      if (e.altKey) { n.fixed = false; this.kick(0.3); }
      this.select("node", n);
    });
    g.addEventListener("dblclick", (e) => { e.stopPropagation(); this.opts.onExpand(n, e); });
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.opts.onExpand(n, e);
      if (e.key === " ") { e.preventDefault(); this.select("node", n); }
    });
    g.addEventListener("pointerdown", (e) => this.startDrag(e, n));
  }

  drawRel(r) {
    const g = el("g", { class: "rel", "data-id": r.id }, this.relLayer);
    r.el = g;
    r.hit = el("path", { class: "hit" }, g);
    r.line = el("path", { class: "line" }, g);
    r.text = el("text", { class: "rel-type", "text-anchor": "middle" }, g);
    r.text.textContent = r.type;
    el("title", {}, g).textContent = r.type;
    g.addEventListener("click", () => this.select("rel", r));
  }

  select(kind, item) {
    for (const e of this.svg.querySelectorAll(".selected")) e.classList.remove("selected");
    item.el.classList.add("selected");
    this.opts.onSelect(kind, item);
  }

  // Colours, sizes and captions as the page's controls say.
  restyle() {
    for (const n of this.nodes.values()) {
      n.radius = this.opts.sizeFor(n);
      n.circle.setAttribute("r", n.radius);
      n.circle.setAttribute("fill", this.opts.colorFor(n));
      const lines = wrap(this.opts.captionFor(n));
      n.lines = lines;
      n.width = Math.max(...lines.map((l) => l.length), 1);
      n.label.replaceChildren();
      n.label.setAttribute("y", n.radius + 1);
      lines.forEach((l) => {
        const t = el("tspan", { x: 0, dy: "1.1em" }, n.label);
        t.textContent = l;
      });
      n.title.textContent = `${n.labels.map((l) => ":" + l).join("")} ${n.caption}`;
    }
    // Relationships between the same two nodes bend apart, each its own arc.
    const pairs = new Map();
    for (const r of this.rels.values()) {
      const key = r.start < r.end ? `${r.start}-${r.end}` : `${r.end}-${r.start}`;
      if (!pairs.has(key)) pairs.set(key, []);
      pairs.get(key).push(r);
      if (this.undirected) r.line.removeAttribute("marker-end");
      else r.line.setAttribute("marker-end", "url(#arrow)");
    }
    // A picture of one relationship type does not name it on every line.
    const types = new Set([...this.rels.values()].map((r) => r.type));
    this.svg.classList.toggle("one-type", types.size <= 1);
    for (const group of pairs.values()) {
      const named = new Set();
      group.forEach((r, i) => {
        // One caption per type between two nodes: many parallel arcs would blur them.
        r.showType = !named.has(r.type);
        named.add(r.type);
        const bend = (i - (group.length - 1) / 2) * 22;
        // Bends are measured from the lower id to the higher, whichever way the arrow points.
        r.bend = r.start < r.end ? bend : -bend;
        r.loop = r.start === r.end ? i : -1;
      });
    }
    this.render();
  }

  kick(a) {
    this.alpha = Math.max(this.alpha, a);
    if (!this.running) {
      this.running = true;
      requestAnimationFrame(() => this.tick());
    }
  }

  // One step of the simulation: repulsion between nodes (and their captions' boxes), springs
  // along relationships, a pull to the centre; velocities damped, the whole cooled by alpha.
  step() {
    const nodes = [...this.nodes.values()];
    const alpha = this.alpha;
    const n = nodes.length;
    for (let i = 0; i < n; i++) {
      const a = nodes[i];
      for (let j = i + 1; j < n; j++) {
        const b = nodes[j];
        let dx = b.x - a.x, dy = b.y - a.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 0.01) { dx = Math.random() - 0.5; dy = Math.random() - 0.5; d2 = dx * dx + dy * dy; }
        const d = Math.sqrt(d2);
        // Room for both circles and their captions (wrapped to 16 characters a line).
        const room = a.radius + b.radius + 10 + 2.6 * Math.max(a.width, b.width) + 3 * Math.max(a.lines.length, b.lines.length);
        let f = (300 * alpha) / d2;
        if (d < room) f += ((room - d) / d) * 0.5;
        const fx = dx * f, fy = dy * f;
        a.vx -= fx; a.vy -= fy; b.vx += fx; b.vy += fy;
      }
    }
    for (const r of this.rels.values()) {
      const a = this.nodes.get(r.start), b = this.nodes.get(r.end);
      if (a === b) continue;
      const dx = b.x - a.x, dy = b.y - a.y;
      const d = Math.sqrt(dx * dx + dy * dy) || 1;
      const want = 45 + a.radius + b.radius;
      const f = ((d - want) / d) * 0.1 * alpha;
      a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
    }
    let cx = 0, cy = 0;
    for (const a of nodes) { cx += a.x; cy += a.y; }
    cx /= n || 1; cy /= n || 1;
    for (const a of nodes) {
      a.vx -= (a.x - cx) * 0.002 * alpha;
      a.vy -= (a.y - cy) * 0.002 * alpha;
      if (a.fixed || a === this.dragged) { a.vx = a.vy = 0; continue; }
      a.vx *= 0.6; a.vy *= 0.6;
      const v = Math.hypot(a.vx, a.vy);
      if (v > 30) { a.vx *= 30 / v; a.vy *= 30 / v; }
      a.x += a.vx; a.y += a.vy;
    }
    this.alpha *= 0.985;
  }

  tick() {
    const start = performance.now();
    do { this.step(); } while (performance.now() - start < 8 && this.alpha > 0.004);
    this.render();
    if (this.alpha > 0.004 || this.dragged) requestAnimationFrame(() => this.tick());
    else { this.running = false; this.settled = true; this.container.dispatchEvent(new Event("settled")); }
  }

  // Runs the simulation to rest at once (for pictures and tests).
  settle() {
    while (this.alpha > 0.004) this.step();
    this.render();
  }

  render() {
    for (const n of this.nodes.values()) {
      const t = `translate(${n.x.toFixed(1)},${n.y.toFixed(1)})`;
      n.el.setAttribute("transform", t);
      n.label.setAttribute("transform", t);
    }
    for (const r of this.rels.values()) {
      const a = this.nodes.get(r.start), b = this.nodes.get(r.end);
      if (r.loop >= 0) {
        // A relationship from a node to itself: a loop above it.
        const s = a.radius + 14 + 8 * r.loop;
        const d = `M${(a.x - 4).toFixed(1)},${(a.y - a.radius).toFixed(1)} C${(a.x - s).toFixed(1)},${(a.y - a.radius - 2 * s).toFixed(1)} ${(a.x + s).toFixed(1)},${(a.y - a.radius - 2 * s).toFixed(1)} ${(a.x + 4).toFixed(1)},${(a.y - a.radius).toFixed(1)}`;
        r.line.setAttribute("d", d); r.hit.setAttribute("d", d);
        r.text.setAttribute("transform", `translate(${a.x.toFixed(1)},${(a.y - a.radius - 1.5 * s).toFixed(1)})`);
        continue;
      }
      const dx = b.x - a.x, dy = b.y - a.y, d = Math.hypot(dx, dy) || 1;
      const nx = -dy / d, ny = dx / d;
      const bend = r.bend || 0;
      const cx = (a.x + b.x) / 2 + nx * bend * 2, cy = (a.y + b.y) / 2 + ny * bend * 2;
      // Ends on the circles, towards the control point.
      const ea = Math.hypot(cx - a.x, cy - a.y) || 1, eb = Math.hypot(cx - b.x, cy - b.y) || 1;
      const gap = this.undirected ? 0 : 2;
      const x1 = a.x + ((cx - a.x) / ea) * a.radius, y1 = a.y + ((cy - a.y) / ea) * a.radius;
      const x2 = b.x + ((cx - b.x) / eb) * (b.radius + gap), y2 = b.y + ((cy - b.y) / eb) * (b.radius + gap);
      const path = `M${x1.toFixed(1)},${y1.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}`;
      r.line.setAttribute("d", path);
      r.hit.setAttribute("d", path);
      let angle = (Math.atan2(dy, dx) * 180) / Math.PI;
      if (angle > 90 || angle < -90) angle += 180;
      const mx = 0.25 * x1 + 0.5 * cx + 0.25 * x2, my = 0.25 * y1 + 0.5 * cy + 0.25 * y2;
      r.text.setAttribute("transform", `translate(${mx.toFixed(1)},${my.toFixed(1)}) rotate(${angle.toFixed(1)}) translate(0,-3)`);
      r.text.style.display = r.showType !== false && d > 60 && this.view.k > 0.5 ? "" : "none";
    }
  }

  applyView() {
    this.root.setAttribute("transform", `translate(${this.view.x},${this.view.y}) scale(${this.view.k})`);
    // Zoomed out, captions shrink less than the drawing, so they stay readable.
    this.svg.style.setProperty("--caption", `${(10 / Math.sqrt(Math.min(1, this.view.k))).toFixed(2)}px`);
  }

  // Fits the drawing into the view.
  fit() {
    if (!this.nodes.size) return;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of this.nodes.values()) {
      x0 = Math.min(x0, n.x - n.radius - 50); x1 = Math.max(x1, n.x + n.radius + 50);
      y0 = Math.min(y0, n.y - n.radius - 10); y1 = Math.max(y1, n.y + n.radius + 14 + 12 * n.lines.length);
    }
    const { w, h } = this.size();
    const top = 40; // the view's tool bar
    const k = Math.min(2, w / (x1 - x0), (h - top) / (y1 - y0));
    this.view = { k, x: w / 2 - ((x0 + x1) / 2) * k, y: top + (h - top) / 2 - ((y0 + y1) / 2) * k };
    this.applyView();
    this.render();
  }

  zoomAt(px, py, factor) {
    const k = Math.min(8, Math.max(0.1, this.view.k * factor));
    const f = k / this.view.k;
    this.view.x = px - (px - this.view.x) * f;
    this.view.y = py - (py - this.view.y) * f;
    this.view.k = k;
    this.applyView();
    this.render();
  }

  local(e) {
    const r = this.svg.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  startDrag(e, n) {
    // No pointer capture yet: a click or double-click must still reach the node.
    e.stopPropagation();
    this.pointers.set(e.pointerId, this.local(e));
    this.dragged = n;
    this.dragMoved = false;
    const now = performance.now();
    // A second tap on the same node soon after unpins it (touch has no Alt key).
    if (e.pointerType !== "mouse" && this.lastTap && this.lastTap.node === n && now - this.lastTap.at < 350) n.fixed = false;
    this.lastTap = { node: n, at: now };
  }

  bindPointers() {
    const svg = this.svg;
    svg.addEventListener("pointerdown", (e) => {
      this.pointers.set(e.pointerId, this.local(e));
    });
    svg.addEventListener("pointermove", (e) => {
      if (!this.pointers.has(e.pointerId)) return;
      const p = this.local(e);
      const prev = this.pointers.get(e.pointerId);
      // Captured once it moves (a press that does not move stays a click on what it is on).
      // (A pointer the browser no longer tracks cannot be captured; the move still counts.)
      try { if (!svg.hasPointerCapture(e.pointerId)) svg.setPointerCapture(e.pointerId); } catch (_) { /* see above */ }
      if (this.pointers.size === 2) {
        // Pinch: zoom by the change in distance between the two pointers.
        const [a, b] = [...this.pointers.entries()].map(([id, q]) => (id === e.pointerId ? p : q));
        const [pa, pb] = [...this.pointers.values()];
        const before = Math.hypot(pa.x - pb.x, pa.y - pb.y) || 1;
        const after = Math.hypot(a.x - b.x, a.y - b.y) || 1;
        this.zoomAt((a.x + b.x) / 2, (a.y + b.y) / 2, after / before);
      } else if (this.dragged) {
        const n = this.dragged;
        n.x += (p.x - prev.x) / this.view.k;
        n.y += (p.y - prev.y) / this.view.k;
        n.fixed = true;
        n.el.classList.add("pinned");
        this.dragMoved = true;
        this.kick(0.3);
        this.render();
      } else {
        this.view.x += p.x - prev.x;
        this.view.y += p.y - prev.y;
        this.applyView();
      }
      this.pointers.set(e.pointerId, p);
    });
    const end = (e) => {
      this.pointers.delete(e.pointerId);
      if (this.dragged && !this.dragged.fixed) this.dragged.el.classList.remove("pinned");
      if (this.pointers.size === 0) this.dragged = null;
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener("wheel", (e) => {
      e.preventDefault();
      const p = this.local(e);
      this.zoomAt(p.x, p.y, Math.exp(-e.deltaY * 0.0015));
    }, { passive: false });
  }

  unpinAll() {
    for (const n of this.nodes.values()) { n.fixed = false; n.el.classList.remove("pinned"); }
    this.kick(0.5);
  }

  // The drawing as a standalone SVG document (styles inlined), for "SVG of this view".
  toSVG(legend) {
    const { w, h } = this.size();
    const clone = this.svg.cloneNode(true);
    clone.setAttribute("xmlns", SVG_NS);
    clone.setAttribute("width", w);
    clone.setAttribute("height", h);
    clone.setAttribute("viewBox", `0 0 ${w} ${h}`);
    const style = document.createElementNS(SVG_NS, "style");
    style.textContent = `
      svg { background: #fff; font-family: DejaVu Sans, Arial, sans-serif; }
      .rel .line { stroke: #999; stroke-width: 1.3; fill: none; } .rel .hit { stroke: none; fill: none; }
      .rel-type { font-size: 8px; fill: #666; }
      .node circle { stroke: #fff; stroke-width: 1.5; }
      .caption { font-size: ${getComputedStyle(this.svg).getPropertyValue("--caption") || "10px"}; fill: #222; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
      .one-type .rel-type { display: none; }
      .legend-title { font-size: 11px; font-weight: bold; fill: #222; } .legend-text { font-size: 10px; fill: #333; }`;
    clone.insertBefore(style, clone.firstChild);
    if (legend) {
      const g = el("g", { transform: "translate(10,16)" }, clone);
      let y = 0;
      for (const sec of legend) {
        el("text", { class: "legend-title", y }, g).textContent = sec.title;
        y += 14;
        for (const it of sec.items) {
          el("circle", { cx: 6, cy: y - 4, r: it.r || 5, fill: it.color || "#aaa" }, g);
          el("text", { class: "legend-text", x: 18, y }, g).textContent = it.text;
          y += 14;
        }
        y += 6;
      }
    }
    return new XMLSerializer().serializeToString(clone);
  }
}

window.GraphView = GraphView;
window.wrapCaption = wrap;
