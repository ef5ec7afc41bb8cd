// silkgraph's web app: the editor (highlighting, completion and hints from the server, the
// REPL's own code), runs with cancel, results as graph, table, JSON and plan, the evidence
// panel, exports and guides. Everything it shows comes from this server's /api.
"use strict";

const $ = (s) => document.querySelector(s);
const state = {
  db: "", info: null, schema: null, last: null, lastText: "", runId: null, abort: null,
  captions: JSON.parse(localStorage.getItem("silkgraph.captions") || "{}"),
  sizes: null, colors: null, guide: null, step: 0,
};

async function api(path, body, signal) {
  const opts = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal };
  const r = await fetch("/api/" + path, opts);
  const j = await r.json().catch((e) => {
    if (e.name === "AbortError") throw e;
    return { errors: [{ code: "", message: `HTTP ${r.status}: the answer is not JSON` }] };
  });
  if (!r.ok) throw new Error((j.errors && j.errors[0] && j.errors[0].message) || `HTTP ${r.status}`);
  return j;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// ---- the editor ------------------------------------------------------------------------------

const query = $("#query");
const highlightPre = $("#highlight");
let highlightTimer = 0, completeTimer = 0, completion = null;

async function rehighlight() {
  const text = query.value;
  try {
    const { tokens } = await api("highlight", { text });
    if (query.value !== text) return;
    let html = "", at = 0;
    for (const [a, b, kind] of tokens) {
      if (a < at) continue;
      html += escapeHtml(text.slice(at, a)) + `<span class="tok-${kind}">${escapeHtml(text.slice(a, b))}</span>`;
      at = b;
    }
    highlightPre.innerHTML = html + escapeHtml(text.slice(at)) + "\n";
  } catch (_) {
    highlightPre.textContent = text + "\n";
  }
}

// After each change: highlighting, and (when the user typed) completion a moment later.
function onEdit(typed) {
  highlightPre.textContent = query.value + "\n";
  clearTimeout(highlightTimer);
  highlightTimer = setTimeout(rehighlight, 60);
  clearTimeout(completeTimer);
  if (typed === true) completeTimer = setTimeout(() => complete(false), 180);
  localStorage.setItem("silkgraph.draft", query.value);
}

async function complete(explicit) {
  const text = query.value, pos = query.selectionStart;
  if (pos !== query.selectionEnd) return;
  let r;
  try { r = await api("complete", { db: state.db, text, pos }); } catch (_) { return; }
  if (query.value !== text || query.selectionStart !== pos) return;
  $("#hint").textContent = r.hint ? (r.hint.completion ? `Tab: …${r.hint.display}` : r.hint.display) : "";
  const typed = text.slice(r.start, pos);
  const list = r.candidates.filter((c) => c.replacement !== typed);
  if (!list.length || (!explicit && typed.length < 1)) { closeCompletion(); return; }
  completion = { start: r.start, end: pos, items: list.slice(0, 50), index: 0 };
  const ul = $("#completions");
  ul.replaceChildren(...completion.items.map((c, i) => {
    const li = document.createElement("li");
    li.textContent = c.display;
    li.setAttribute("role", "option");
    li.addEventListener("mousedown", (e) => { e.preventDefault(); completion.index = i; acceptCompletion(); });
    return li;
  }));
  markCompletion();
  ul.hidden = false;
}

function markCompletion() {
  [...$("#completions").children].forEach((li, i) => li.classList.toggle("active", i === completion.index));
}

function closeCompletion() {
  completion = null;
  $("#completions").hidden = true;
}

function acceptCompletion() {
  const c = completion.items[completion.index];
  query.setRangeText(c.replacement, completion.start, completion.end, "end");
  closeCompletion();
  onEdit();
}

query.addEventListener("input", () => onEdit(true));
query.addEventListener("scroll", () => { highlightPre.scrollTop = query.scrollTop; highlightPre.scrollLeft = query.scrollLeft; });
query.addEventListener("blur", () => setTimeout(closeCompletion, 150));
query.addEventListener("keydown", (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === "Enter") { e.preventDefault(); closeCompletion(); run(); return; }
  if (e.ctrlKey && e.key === " ") { e.preventDefault(); complete(true); return; }
  if (completion) {
    if (e.key === "ArrowDown") { e.preventDefault(); completion.index = (completion.index + 1) % completion.items.length; markCompletion(); return; }
    if (e.key === "ArrowUp") { e.preventDefault(); completion.index = (completion.index + completion.items.length - 1) % completion.items.length; markCompletion(); return; }
    if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); acceptCompletion(); return; }
    if (e.key === "Escape") { e.preventDefault(); closeCompletion(); return; }
  }
  if (e.key === "Tab" && !e.shiftKey) {
    const h = $("#hint").textContent;
    if (h.startsWith("Tab: …")) { e.preventDefault(); query.setRangeText(h.slice(6), query.selectionStart, query.selectionEnd, "end"); onEdit(); }
  }
});

// ---- history and parameters ----------------------------------------------------------------------

function history() { return JSON.parse(localStorage.getItem("silkgraph.history") || "[]"); }

function remember(text) {
  const h = [text, ...history().filter((q) => q !== text)].slice(0, 50);
  localStorage.setItem("silkgraph.history", JSON.stringify(h));
  showHistory();
}

function showHistory() {
  const sel = $("#history");
  sel.replaceChildren(new Option("History…", ""), ...history().map((q) => new Option(q.replace(/\s+/g, " ").slice(0, 80), q)));
}

$("#history").addEventListener("change", (e) => {
  if (e.target.value) { query.value = e.target.value; onEdit(); query.focus(); }
  e.target.value = "";
});

function params() {
  const t = $("#params").value.trim();
  if (!t) return {};
  const p = JSON.parse(t);
  if (typeof p !== "object" || Array.isArray(p) || p === null) throw new Error("parameters are a JSON object, such as {\"name\": \"Japan\"}");
  return p;
}

// ---- running ---------------------------------------------------------------------------------------

function setStatus(s) { $("#status").textContent = s; }

function showError(err, text) {
  const box = $("#error");
  if (!err) { box.hidden = true; return; }
  box.hidden = false;
  box.innerHTML = `<strong>${escapeHtml(err.code || "Error")}</strong> ${escapeHtml(err.message)}` +
    (err.hint ? `<div class="hint-text">${escapeHtml(err.hint)}</div>` : "");
  if (err.span && text === query.value) {
    query.focus();
    query.setSelectionRange(err.span[0], Math.max(err.span[1], err.span[0] + 1));
  }
}

async function run(textArg) {
  const text = textArg !== undefined ? textArg : query.value;
  if (!text.trim()) return;
  clearTimeout(completeTimer);
  closeCompletion();
  let p;
  try { p = params(); } catch (e) { showError({ code: "Parameters", message: e.message }); return; }
  if (state.abort) await cancel();
  state.runId = Math.random().toString(36).slice(2);
  state.abort = new AbortController();
  $("#cancel").disabled = false;
  $("#run").disabled = true;
  setStatus("running…");
  showError(null);
  remember(text);
  const started = performance.now();
  try {
    const r = await api("run", { db: state.db, text, params: p, runId: state.runId }, state.abort.signal);
    const results = r.results;
    const last = results[results.length - 1];
    const failed = results.find((x) => x.error);
    const summary = results.filter((x) => !x.error).map(describe).join(" · ");
    const took = `${(performance.now() - started).toFixed(0)} ms`;
    const cancelled = failed && /Terminated/.test(failed.error.code);
    setStatus(cancelled ? `cancelled after ${took}` : `${summary}${summary ? " · " : ""}${took}`);
    if (failed) showError(failed.error, text);
    const shown = failed ? results.filter((x) => !x.error).pop() : last;
    if (shown) { state.lastText = shown.statement; show(shown); }
    if (results.some((x) => x.stats && Object.values(x.stats).some((v) => v > 0))) loadSchema();
  } catch (e) {
    if (e.name === "AbortError") setStatus("cancelled");
    else showError({ code: "Error", message: e.message });
  } finally {
    document.body.dataset.runs = String((+document.body.dataset.runs || 0) + 1);
    state.abort = null;
    $("#cancel").disabled = true;
    $("#run").disabled = false;
  }
}

function describe(r) {
  const changes = Object.entries(r.stats || {}).filter(([, v]) => v > 0).map(([k, v]) => `${v} ${k.replace(/_/g, " ")}`);
  const rows = `${r.rowCount} row${r.rowCount === 1 ? "" : "s"}`;
  return changes.length ? `${rows}, ${changes.join(", ")}` : rows;
}

async function cancel() {
  if (state.runId) { try { await api("cancel", { runId: state.runId }); } catch (_) { /* the run ends anyway */ } }
  if (state.abort) state.abort.abort();
}

$("#run").addEventListener("click", () => run());
$("#cancel").addEventListener("click", cancel);

// ---- results ---------------------------------------------------------------------------------------

function show(r) {
  state.last = r;
  showTable(r);
  $("#view-json").textContent = JSON.stringify({ fields: r.columns, values: r.values }, null, 2);
  showPlan(r);
  graph.clear();
  state.sizes = null;
  state.colors = null;
  graph.add(r.graph);
  fillCaptionLabels();
  restyle();
  setTimeout(() => graph.fit(), 50);
  const view = r.mode !== "run" ? "plan" : r.graph.nodes.length ? currentView() : (currentView() === "graph" ? "table" : currentView());
  selectView(view);
}

function showTable(r) {
  const div = $("#view-table");
  div.replaceChildren();
  if (r.whynot || (r.warnings && r.warnings.length)) div.appendChild(whyNot(r));
  if (!r.columns.length) { div.insertAdjacentHTML("beforeend", `<p class="muted">${escapeHtml(describe(r))}</p>`); return; }
  const t = document.createElement("table");
  t.innerHTML = `<thead><tr>${r.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead>`;
  const tb = document.createElement("tbody");
  for (const row of r.rows) {
    const tr = document.createElement("tr");
    for (const cell of row) { const td = document.createElement("td"); td.textContent = cell; tr.appendChild(td); }
    tb.appendChild(tr);
  }
  t.appendChild(tb);
  div.appendChild(t);
  if (r.rowCount > r.rows.length) div.insertAdjacentHTML("beforeend", `<p class="muted">${r.rows.length} of ${r.rowCount} rows shown</p>`);
}

function whyNot(r) {
  const box = document.createElement("div");
  box.className = "whynot";
  let html = "<h3>No rows: why?</h3>";
  for (const w of r.warnings || []) html += `<p class="warning">${escapeHtml(w)}</p>`;
  if (r.whynot) {
    let marked = false;
    html += "<table><thead><tr><th>step</th><th>rows after it</th></tr></thead><tbody>";
    for (const s of r.whynot.steps) {
      const here = s.rows === 0 && !marked;
      if (here) marked = true;
      html += `<tr${here ? ' class="emptied"' : ""}><td><code>${escapeHtml(s.step)}</code></td><td>${s.rows === null ? "?" : s.rows}${here ? " ← emptied here" : ""}</td></tr>`;
    }
    html += `</tbody></table><p>${escapeHtml(r.whynot.reason || "no single step emptied the result")}</p>`;
  }
  box.innerHTML = html;
  return box;
}

// EXPLAIN and PROFILE: the plan's lines, indented two spaces a level, drawn as a tree.
function showPlan(r) {
  const div = $("#view-plan");
  div.replaceChildren();
  if (r.mode === "run") { div.innerHTML = '<p class="muted">Run EXPLAIN or PROFILE before a query to see its plan.</p>'; return; }
  const profile = r.mode === "profile";
  const lines = r.values.map((v) => profile ? { text: v[0], rows: v[1], ms: v[2] } : { text: v[0] });
  const root = document.createElement("ul");
  root.className = "plan-tree";
  const stack = [{ depth: -1, ul: root }];
  for (const l of lines) {
    if (l.text === null || l.text === undefined) continue;
    const depth = (l.text.match(/^ */)[0].length) / 2;
    const text = l.text.trim();
    if (profile && /^total/i.test(text)) { div.insertAdjacentHTML("beforeend", `<p class="muted">${escapeHtml(text)}: ${l.rows} rows, ${l.ms} ms</p>`); continue; }
    while (stack.length > 1 && stack[stack.length - 1].depth >= depth) stack.pop();
    const li = document.createElement("li");
    const [op, ...rest] = text.split(" ");
    li.innerHTML = `<div class="op"><strong>${escapeHtml(op)}</strong> <span>${escapeHtml(rest.join(" "))}</span>` +
      (profile ? `<div class="muted">${l.rows} rows · ${typeof l.ms === "number" ? l.ms.toFixed(3) : l.ms} ms</div>` : "") + "</div>";
    const ul = document.createElement("ul");
    li.appendChild(ul);
    stack[stack.length - 1].ul.appendChild(li);
    stack.push({ depth, ul });
  }
  div.prepend(root);
}

function currentView() { return document.querySelector(".tabs .active").dataset.view; }

function selectView(v) {
  for (const b of document.querySelectorAll(".tabs [role=tab]")) b.classList.toggle("active", b.dataset.view === v);
  for (const d of document.querySelectorAll(".view")) d.classList.toggle("active", d.id === "view-" + v);
  if (v === "graph") setTimeout(() => graph.fit(), 0);
}

for (const b of document.querySelectorAll(".tabs [role=tab]")) b.addEventListener("click", () => selectView(b.dataset.view));

// ---- the graph view ----------------------------------------------------------------------------------

function captionFor(n) {
  const key = n.labels.map((l) => state.captions[l]).find(Boolean);
  if (key && n.properties[key] !== undefined) return String(n.properties[key]);
  return n.caption;
}

function scaled(values, id) {
  const v = values[id];
  const all = Object.values(values);
  if (v === undefined || !all.length) return null;
  const lo = Math.min(...all), hi = Math.max(...all);
  return hi > lo ? (v - lo) / (hi - lo) : 0.5;
}

function categorical(values) {
  // Most frequent value first, as the exported pictures order their palette.
  const count = new Map();
  for (const v of Object.values(values)) count.set(v, (count.get(v) || 0) + 1);
  const order = [...count.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([k]) => k);
  return (v) => { const i = order.indexOf(v); return i >= 0 && i < state.info.palette.length ? state.info.palette[i] : "#bbbbbb"; };
}

function colorFor(n) {
  const c = state.colors;
  if (!c) return n.color;
  const v = c.values[n.id];
  if (v === undefined) return "#cccccc";
  if (c.categorical) return c.pick(v);
  const t = scaled(c.values, n.id);
  const light = Math.round(85 - 55 * t);
  return `hsl(212, 60%, ${light}%)`;
}

function sizeFor(n) {
  if (!state.sizes) return 12;
  if (state.sizes.categorical) return 12;
  const t = scaled(state.sizes.values, n.id);
  return t === null ? 7 : 7 + 20 * Math.sqrt(t);
}

const graph = new GraphView($("#graph"), {
  captionFor, colorFor, sizeFor,
  onSelect: (kind, item) => evidence(kind === "node" ? [item.id] : [], kind === "rel" ? [item.id] : []),
  onExpand: (n, e) => expand(n, e),
});
window.graphView = graph;

async function scores(by) {
  const nodes = [...graph.nodes.keys()];
  const r = await api("scores", { db: state.db, by, nodes });
  return r;
}

async function restyle() {
  const size = $("#size-by").value, color = $("#color-by").value;
  try {
    state.sizes = size ? await scores(size) : null;
    if (color && color !== "label") {
      const c = await scores(color);
      c.pick = categorical(c.values);
      state.colors = c;
    } else state.colors = null;
  } catch (e) { showError({ code: "Style", message: e.message }); }
  graph.restyle();
  legend();
}

function legend() {
  const sections = [];
  if (state.colors) {
    const c = state.colors;
    if (c.categorical) {
      const vals = [...new Set(Object.values(c.values))].sort((a, b) => a - b).slice(0, 12);
      const name = (v) => (c.names && c.names.length ? c.names[v] : `${c.by} ${v}`);
      sections.push({ title: `Colour: ${c.by}`, items: vals.map((v) => ({ color: c.pick(v), text: name(v) })) });
    } else {
      const all = Object.values(c.values);
      sections.push({ title: `Colour: ${c.by} (light = low, dark = high)`, items: [
        { color: "hsl(212, 60%, 85%)", text: `${Math.min(...all).toPrecision(3)}` },
        { color: "hsl(212, 60%, 30%)", text: `${Math.max(...all).toPrecision(3)}` }] });
    }
  } else {
    const labels = [...new Set([...graph.nodes.values()].map((n) => n.labels[0] || "(no label)"))];
    const color = (l) => { const n = [...graph.nodes.values()].find((x) => (x.labels[0] || "(no label)") === l); return n ? n.color : "#bbb"; };
    sections.push({ title: "Colour: label", items: labels.map((l) => ({ color: color(l), text: l })) });
  }
  if (state.sizes && !state.sizes.categorical) {
    const all = Object.values(state.sizes.values);
    if (all.length) sections.push({ title: `Size: ${state.sizes.by}`, items: [
      { r: 3, text: `${Math.min(...all).toPrecision(3)} (smallest)` }, { r: 8, text: `${Math.max(...all).toPrecision(3)} (largest)` }] });
  }
  state.legend = sections;
  $("#legend").innerHTML = sections.map((s) => `<div class="legend-section"><div class="legend-title">${escapeHtml(s.title)}</div>` +
    s.items.map((i) => `<div><span class="swatch" style="background:${i.color || "#aaa"};width:${2 * (i.r || 5)}px;height:${2 * (i.r || 5)}px"></span>${escapeHtml(i.text)}</div>`).join("") + "</div>").join("");
}

$("#size-by").addEventListener("change", restyle);
$("#color-by").addEventListener("change", restyle);
$("#fit").addEventListener("click", () => graph.fit());
$("#unpin").addEventListener("click", () => graph.unpinAll());

function fillCaptionLabels() {
  const labels = [...new Set([...graph.nodes.values()].flatMap((n) => n.labels))].sort();
  const sel = $("#caption-label");
  const keep = sel.value;
  sel.replaceChildren(...labels.map((l) => new Option(l, l)));
  if (labels.includes(keep)) sel.value = keep;
  fillCaptionKeys();
}

function fillCaptionKeys() {
  const label = $("#caption-label").value;
  const keys = new Set();
  for (const n of graph.nodes.values()) if (n.labels.includes(label)) Object.keys(n.properties).forEach((k) => keys.add(k));
  const sel = $("#caption-key");
  sel.replaceChildren(new Option("(name)", ""), ...[...keys].sort().map((k) => new Option(k, k)));
  sel.value = state.captions[label] || "";
}

$("#caption-label").addEventListener("change", fillCaptionKeys);
$("#caption-key").addEventListener("change", () => {
  state.captions[$("#caption-label").value] = $("#caption-key").value;
  localStorage.setItem("silkgraph.captions", JSON.stringify(state.captions));
  graph.restyle();
});

// Double-click: the node's neighbours by type; with few, all of them at once; with many, a
// menu of types with their counts first.
async function expand(n, e) {
  let r;
  try { r = await api("expand", { db: state.db, id: n.id }); } catch (err) { showError({ code: "Expand", message: err.message }); return; }
  const total = r.groups.reduce((s, g) => s + g.count, 0);
  const menu = $("#expand-menu");
  if (total <= 25) {
    for (const g of r.groups) await expandType(n, g.type, g.direction, g.count);
    setStatus(`expanded ${n.caption}: ${graph.nodes.size} nodes drawn`);
    return;
  }
  menu.innerHTML = `<div class="muted">${escapeHtml(n.caption)}: ${total} relationships</div>` +
    r.groups.map((g, i) => `<button type="button" data-i="${i}">${g.direction === "out" ? "→" : "←"} ${escapeHtml(g.type)} (${g.count})</button>`).join("") +
    `<button type="button" data-all="1">all ${total}</button><button type="button" data-close="1">close</button>`;
  const box = $("#view-graph").getBoundingClientRect();
  menu.style.left = `${Math.max(0, (e.clientX || box.left + 40) - box.left)}px`;
  menu.style.top = `${Math.max(0, (e.clientY || box.top + 40) - box.top)}px`;
  menu.hidden = false;
  menu.onclick = async (ev) => {
    const b = ev.target.closest("button");
    if (!b) return;
    if (b.dataset.close) { menu.hidden = true; return; }
    if (b.dataset.all) {
      menu.hidden = true;
      for (const g of r.groups) await expandType(n, g.type, g.direction, Math.min(g.count, 200));
      setStatus(`expanded ${n.caption}: ${graph.nodes.size} nodes drawn`);
      return;
    }
    const g = r.groups[+b.dataset.i];
    menu.hidden = true;
    await expandType(n, g.type, g.direction, Math.min(g.count, 200));
    setStatus(`expanded ${n.caption} by ${g.type}: ${graph.nodes.size} nodes drawn`);
  };
}

async function expandType(n, type, direction, limit) {
  const r = await api("expand", { db: state.db, id: n.id, type, direction, limit });
  graph.add(r.graph, { x: n.x, y: n.y });
  fillCaptionLabels();
  if (state.sizes || state.colors) restyle(); else legend();
}

// ---- evidence ------------------------------------------------------------------------------------------

async function evidence(nodes, rels) {
  const body = $("#evidence-body");
  $("#guide").hidden = true;
  $("#evidence").hidden = false;
  let r;
  try { r = await api("evidence", { db: state.db, nodes, rels }); } catch (e) { body.textContent = e.message; return; }
  body.replaceChildren();
  if (!r.items.length) body.innerHTML = '<p class="muted">Nothing to show.</p>';
  for (const it of r.items) {
    const div = document.createElement("div");
    div.className = "evidence-item";
    let html = `<h3>${escapeHtml(it.title)}</h3>`;
    if (!it.facts.length) html += '<p class="muted">No stated value with a source here.</p>';
    for (const f of it.facts) {
      html += `<div class="fact"><div><code>${escapeHtml(f.key === null ? "(the relationship)" : f.key)}</code> = ${escapeHtml(f.value)}</div>`;
      if (f.quote) html += `<blockquote class="quote">${escapeHtml(f.quote)}</blockquote>`;
      if (f.derived) html += `<div class="derived">derived: ${escapeHtml(f.derived)}</div>`;
      if (f.source) html += `<div class="source muted">${escapeHtml(f.source)}</div>`;
      html += "</div>";
    }
    div.innerHTML = html;
    body.appendChild(div);
  }
}

$("#all-evidence").addEventListener("click", () => {
  if (!state.last) return;
  evidence(state.last.graph.nodes.map((n) => n.id), state.last.graph.rels.map((r) => r.id));
});

// ---- exports ---------------------------------------------------------------------------------------------

const FORMATS = ["nodelink", "graphml", "gexf", "dot", "csv", "cypher", "json", "svg", "png", "html"];

function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

$("#export-format").addEventListener("change", async (e) => {
  const format = e.target.value;
  e.target.value = "";
  if (!format || !state.last) return;
  try {
    const r = await api("export", { db: state.db, format, text: state.lastText, params: params() });
    for (const f of r.files) {
      const blob = f.base64 ? new Blob([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))]) : new Blob([f.text]);
      download(f.name, blob);
    }
    setStatus(`exported ${r.files.map((f) => f.name).join(", ")}${r.warnings.length ? " — " + r.warnings.join("; ") : ""}`);
  } catch (err) { showError({ code: "Export", message: err.message }); }
});

$("#svg").addEventListener("click", () => download("view.svg", new Blob([graph.toSVG(state.legend)], { type: "image/svg+xml" })));
$("#png").addEventListener("click", () => {
  const svg = graph.toSVG(state.legend);
  const { w, h } = graph.size();
  const img = new Image();
  img.onload = () => {
    const c = document.createElement("canvas");
    c.width = w * 2; c.height = h * 2;
    const ctx = c.getContext("2d");
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    c.toBlob((b) => download("view.png", b), "image/png");
  };
  img.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
});

// ---- guides ----------------------------------------------------------------------------------------------

async function openGuides() {
  $("#evidence").hidden = true;
  $("#guide").hidden = false;
  const list = await api("guides");
  $("#guide-title").textContent = "Guides";
  $("#guide-step").textContent = "";
  $("#guide-body").innerHTML = "<ul class='guide-list'>" + list.map((g) => `<li><button type="button" data-guide="${escapeHtml(g.name)}">${escapeHtml(g.title)}</button></li>`).join("") + "</ul>";
  state.guide = null;
}

async function openGuide(name) {
  state.guide = await api("guides/" + encodeURIComponent(name));
  state.step = 0;
  showStep();
}

function showStep() {
  const g = state.guide;
  $("#guide-title").textContent = g.title;
  $("#guide-body").innerHTML = g.steps[state.step];
  $("#guide-step").textContent = `${state.step + 1} / ${g.steps.length}`;
  $("#guide-prev").disabled = state.step === 0;
  $("#guide-next").disabled = state.step === g.steps.length - 1;
}

$("#guides-button").addEventListener("click", openGuides);
$("#guide-prev").addEventListener("click", () => { if (state.guide && state.step > 0) { state.step--; showStep(); } });
$("#guide-next").addEventListener("click", () => { if (state.guide && state.step < state.guide.steps.length - 1) { state.step++; showStep(); } });
$("#guide-body").addEventListener("click", async (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  if (b.dataset.guide) { openGuide(b.dataset.guide); return; }
  if (b.classList.contains("run-query")) {
    const box = b.closest(".guide-query");
    if (box.dataset.db && box.dataset.db !== state.db) await useDb(box.dataset.db);
    query.value = box.querySelector("code").textContent;
    onEdit();
    run();
  }
});

// ---- start ------------------------------------------------------------------------------------------------

// Size and colour by any property too (numbers are scaled; other values are categories).
function fillStyleChoices() {
  for (const id of ["#size-by", "#color-by"]) {
    const sel = $(id);
    const keep = sel.value;
    for (const o of [...sel.querySelectorAll("option[data-property]")]) o.remove();
    for (const k of state.schema.keys) {
      const o = new Option(`property ${k}`, k);
      o.dataset.property = "1";
      sel.appendChild(o);
    }
    sel.value = [...sel.options].some((o) => o.value === keep) ? keep : sel.options[0].value;
  }
}

async function loadSchema() {
  state.schema = await api("schema?db=" + encodeURIComponent(state.db));
  fillStyleChoices();
  $("#dbinfo").textContent = `${state.schema.nodes} nodes, ${state.schema.relationships} relationships` + (state.info.readOnly ? " · read-only" : "");
}

async function useDb(name) {
  state.db = name;
  $("#db").value = name;
  localStorage.setItem("silkgraph.db", name);
  await loadSchema();
}

async function start() {
  state.info = await api("info");
  const sel = $("#db");
  sel.replaceChildren(...state.info.databases.map((d) => new Option(d === state.info.database ? `${d} (served)` : d, d)));
  sel.addEventListener("change", () => useDb(sel.value));
  $("#who").textContent = state.info.user ? `signed in as ${state.info.user}` : "";
  for (const f of FORMATS) $("#export-format").appendChild(new Option(f, f));
  const saved = localStorage.getItem("silkgraph.db");
  await useDb(state.info.databases.includes(saved) ? saved : state.info.database);
  showHistory();
  query.value = localStorage.getItem("silkgraph.draft") || "MATCH (n)-[r]->(m) RETURN n, r, m LIMIT 50";
  onEdit();
  const guide = new URLSearchParams(location.search).get("guide");
  if (guide) { await openGuides(); await openGuide(guide); }
  document.body.dataset.ready = "1";
}

start().catch((e) => showError({ code: "Start", message: e.message }));
