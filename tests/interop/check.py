"""Interop checks: silkgraph's exports read by the tools people use them with, and compared
with the subgraph they came from (silkgraph's own JSON export of the same query).

Run by tests/interop/run.sh, which makes the virtual environment and exports the files.
Prints one line per check and closes with `N passed, M failed[, K skipped]`.
"""

import argparse
import collections
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

RESULTS = {"passed": 0, "failed": 0, "skipped": 0}


def report(name, ok, detail=""):
    if ok is None:
        RESULTS["skipped"] += 1
        print(f"SKIP  {name}: {detail}")
    elif ok:
        RESULTS["passed"] += 1
        print(f"ok    {name}{': ' + detail if detail else ''}")
    else:
        RESULTS["failed"] += 1
        print(f"FAIL  {name}: {detail}")


def check(name, fn):
    try:
        r = fn()
        if isinstance(r, tuple) and r and r[0] == "skip":
            report(name, None, r[1])
        else:
            report(name, True, r if isinstance(r, str) else "")
    except AssertionError as e:
        report(name, False, str(e)[:2000])
    except Exception as e:  # a tool that cannot read the file fails the check
        report(name, False, f"{type(e).__name__}: {str(e)[:2000]}")


# ---- canonical values ------------------------------------------------------------------------------


def norm(v):
    """A value in the contract's JSON encoding, as a hashable, typed tuple."""
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, float):
        return ("float", "nan" if math.isnan(v) else repr(v))
    if isinstance(v, str):
        return ("str", v)
    if isinstance(v, list):
        return ("list", tuple(norm(x) for x in v))
    if isinstance(v, dict):
        if set(v) == {"@date"}:
            return ("date", v["@date"])
        if set(v) == {"@float"}:
            return ("float", {"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}[v["@float"]])
        return ("map", tuple(sorted((k, norm(x)) for k, x in v.items())))
    if v is None:
        return ("null",)
    if hasattr(v, "isoformat") and not hasattr(v, "hour"):  # datetime.date
        return ("date", v.isoformat())
    raise AssertionError(f"unexpected value {v!r}")


def fnorm(x):
    """A float read by a tool, normalised like `norm` does."""
    if math.isnan(x):
        return ("float", "nan")
    if math.isinf(x):
        return ("float", "inf" if x > 0 else "-inf")
    return ("float", repr(float(x)))


def node_sig(labels, props):
    return (tuple(sorted(labels)), tuple(sorted(props.items())))


class Truth:
    """The source subgraph, from silkgraph's own JSON export."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            j = json.load(f)
        self.prov = j["provenance"]
        self.nodes = {}
        for n in j["nodes"]:
            props = {k: norm(v) for k, v in n["properties"].items()}
            self.nodes[n["id"]] = node_sig(n["labels"], props)
        self.rels = collections.Counter()
        for r in j["relationships"]:
            props = tuple(sorted((k, norm(v)) for k, v in r["properties"].items()))
            self.rels[(self.nodes[r["start"]], r["type"], props, self.nodes[r["end"]])] += 1
        self.node_bag = collections.Counter(self.nodes.values())
        self.quotes = collections.Counter(
            r["properties"]["quote"] for r in j["relationships"] if "quote" in r["properties"]
        )

    def compare(self, nodes, rels, what):
        """nodes: {id: node_sig}; rels: [(start id, type, props tuple, end id)]."""
        assert len(nodes) == len(self.nodes), f"{what}: {len(nodes)} nodes, want {len(self.nodes)}"
        n_rels = sum(self.rels.values())
        assert len(rels) == n_rels, f"{what}: {len(rels)} relationships, want {n_rels}"
        bag = collections.Counter(nodes.values())
        if bag != self.node_bag:
            extra = list((bag - self.node_bag).elements())[:2]
            missing = list((self.node_bag - bag).elements())[:2]
            raise AssertionError(f"{what}: nodes differ; read {extra}, expected {missing}")
        got = collections.Counter((nodes[s], t, p, nodes[e]) for s, t, p, e in rels)
        if got != self.rels:
            extra = list((got - self.rels).elements())[:1]
            missing = list((self.rels - got).elements())[:1]
            raise AssertionError(f"{what}: relationships differ; read {extra}, expected {missing}")
        return f"{len(nodes)} nodes, {len(rels)} relationships, labels, types and typed properties equal"


# ---- typed XML attributes (GraphML, GEXF) -------------------------------------------------------


def typed(v, hint):
    """A GraphML/GEXF attribute value as read by NetworkX, decoded by the key's declared kind."""
    if hint == "date":
        return ("date", v)
    if hint == "json":
        return norm(json.loads(v))
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, float):
        return fnorm(v)
    return ("str", v)


def labels_of(text):
    return [l for l in (text or "").split(":") if l]


# ---- the checks -----------------------------------------------------------------------------------


def nx_multi_edges(G):
    for s, t, k, d in G.edges(keys=True, data=True):
        yield s, t, d


def check_nodelink(truth, path):
    import networkx as nx

    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    try:
        G = nx.node_link_graph(data, edges="links")
    except TypeError:  # NetworkX before 3.4
        G = nx.node_link_graph(data)
    assert G.is_directed() and G.is_multigraph(), "a directed multigraph"
    nodes = {n: node_sig(d["labels"], {k: norm(v) for k, v in d["properties"].items()}) for n, d in G.nodes(data=True)}
    rels = [(s, d["type"], tuple(sorted((k, norm(v)) for k, v in d["properties"].items())), t) for s, t, d in nx_multi_edges(G)]
    assert G.graph["provenance"]["graph_hash"] == truth.prov["graph_hash"], "provenance"
    return truth.compare(nodes, rels, "node-link")


def graphml_hints(path):
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    hints = {}
    for key in ET.parse(path).getroot().findall("g:key", ns):
        desc = key.find("g:desc", ns)
        if desc is not None:
            hints[(key.get("for"), key.get("attr.name"))] = desc.text
    return hints


def check_graphml(truth, path):
    import networkx as nx

    G = nx.read_graphml(path)
    hints = graphml_hints(path)
    assert G.graph.get("graph_hash") == truth.prov["graph_hash"], f"graph_hash {G.graph.get('graph_hash')}"
    nodes = {}
    for n, d in G.nodes(data=True):
        props = {k: typed(v, hints.get(("node", k))) for k, v in d.items() if k != "labels"}
        nodes[n] = node_sig(labels_of(d.get("labels")), props)
    rels = []
    for s, t, d in nx_multi_edges(G) if G.is_multigraph() else ((s, t, d) for s, t, d in G.edges(data=True)):
        props = tuple(sorted((k, typed(v, hints.get(("edge", k)))) for k, v in d.items() if k not in ("label", "id")))
        rels.append((s, d["label"], props, t))
    return truth.compare(nodes, rels, "NetworkX read_graphml")


def check_igraph(truth, path):
    try:
        import igraph
    except ImportError:
        return ("skip", "python-igraph is not installed")
    g = igraph.Graph.Read_GraphML(path)
    assert g.is_directed()
    n_rels = sum(truth.rels.values())
    assert (g.vcount(), g.ecount()) == (len(truth.nodes), n_rels), f"{g.vcount()} nodes, {g.ecount()} edges"
    got = collections.Counter(g.es["label"])
    want = collections.Counter(t for (_, t, _, _), c in truth.rels.items() for _ in range(c))
    assert got == want, "relationship types"
    return f"{g.vcount()} vertices, {g.ecount()} edges, types equal"


def check_gexf(truth, path):
    import networkx as nx

    G = nx.read_gexf(path)
    root = ET.parse(path).getroot()
    ns = {"x": "http://www.gexf.net/1.2draft"}
    desc = root.find("x:meta/x:description", ns).text
    assert truth.prov["graph_hash"] in desc, "provenance in <meta><description>"
    # Which attributes hold dates or JSON: from the values' own shape in the source.
    date_keys = {k for sig in truth.nodes.values() for k, v in sig[1] if v[0] == "date"}
    json_keys = {k for sig in truth.nodes.values() for k, v in sig[1] if v[0] in ("list", "map")}
    rdate = {k for (_, _, p, _) in truth.rels for k, v in p if v[0] == "date"}
    rjson = {k for (_, _, p, _) in truth.rels for k, v in p if v[0] in ("list", "map")}
    skip = {"labels", "label", "viz"}
    nodes = {}
    for n, d in G.nodes(data=True):
        props = {k: typed(v, "date" if k in date_keys else "json" if k in json_keys else None) for k, v in d.items() if k not in skip}
        nodes[n] = node_sig(labels_of(d.get("labels")), props)
    rels = []
    edges = nx_multi_edges(G) if G.is_multigraph() else G.edges(data=True)
    for s, t, d in edges:
        props = tuple(
            sorted(
                (k, typed(v, "date" if k in rdate else "json" if k in rjson else None))
                for k, v in d.items()
                if k not in ("label", "id", "type", "weight")
            )
        )
        assert d["type"] == d["label"]
        rels.append((s, d["label"], props, t))
    return truth.compare(nodes, rels, "NetworkX read_gexf")


def check_dot(truth, path, out):
    if not shutil.which("dot"):
        return ("skip", "Graphviz dot is not installed")
    svg = out + ".svg"
    r = subprocess.run(["dot", "-Tsvg", path, "-o", svg], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"dot failed: {r.stderr[:500]}"
    text = open(svg, encoding="utf-8").read()
    nodes, edges = text.count('class="node"'), text.count('class="edge"')
    assert nodes == len(truth.nodes), f"{nodes} nodes drawn, want {len(truth.nodes)}"
    assert edges == sum(truth.rels.values()), f"{edges} edges drawn"
    assert truth.prov["graph_hash"] in open(path, encoding="utf-8").readline(), "provenance comment"
    return f"dot -Tsvg drew {nodes} nodes and {edges} edges"


def silkgraph_json(binary, graph_spec, out):
    r = subprocess.run(
        [binary, "export", "--graph", graph_spec, "--format", "json", "-o", out, "--force"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, f"silkgraph cannot open {graph_spec}: {r.stderr[:800]}"
    return Truth(out)


def check_reload(truth, binary, spec, out, whole):
    back = silkgraph_json(binary, spec, out)
    nodes = dict(back.nodes)
    rels = [(None, None, None, None)] * 0
    # Compare the reloaded graph's canonical bags directly.
    assert back.node_bag == truth.node_bag, "nodes differ after reloading"
    assert back.rels == truth.rels, "relationships differ after reloading"
    if whole:
        assert back.prov["graph_hash"] == truth.prov["graph_hash"], "the graph hash changed"
    del nodes, rels
    return f"{len(back.nodes)} nodes, {sum(back.rels.values())} relationships equal" + (", same graph hash" if whole else "")


def read_neo4j_csv(path):
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows and not rows[0][0].startswith("#"), "the file begins with its header row"
    return rows[0], [r for r in rows[1:] if r]


def check_pandas(truth, csv_dir):
    """pandas.read_csv and csv.DictReader take the files as they are; provenance.json names them."""
    import csv
    import hashlib

    import pandas as pd

    nodes = pd.read_csv(os.path.join(csv_dir, "nodes.csv"))
    rels = pd.read_csv(os.path.join(csv_dir, "relationships.csv"))
    assert len(nodes) == len(truth.nodes), f"{len(nodes)} node rows, {len(truth.nodes)} nodes"
    assert len(rels) == sum(truth.rels.values()), f"{len(rels)} relationship rows"
    assert ":LABEL" in nodes.columns and ":TYPE" in rels.columns, list(nodes.columns)
    with open(os.path.join(csv_dir, "nodes.csv"), encoding="utf-8", newline="") as f:
        ids = [row[nodes.columns[0]] for row in csv.DictReader(f)]
    assert len(set(ids)) == len(truth.nodes), "DictReader: one row per node"
    prov = json.load(open(os.path.join(csv_dir, "provenance.json"), encoding="utf-8"))
    assert prov["graph_hash"] == truth.prov["graph_hash"], "provenance.json: the graph hash"
    for name, digest in prov["files"].items():
        assert hashlib.sha256(open(os.path.join(csv_dir, name), "rb").read()).hexdigest() == digest, name
    return f"{len(nodes)} node rows, {len(rels)} relationship rows; provenance.json matches"


CSV_KUZU = {"int": "INT64", "long": "INT64", "float": "DOUBLE", "double": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE", "string": "STRING"}


def csv_value(cell, ty):
    import datetime

    base, array = (ty[:-2], True) if ty.endswith("[]") else (ty, False)

    def one(s):
        if base in ("int", "long"):
            return int(s)
        if base in ("float", "double"):
            return float(s)
        if base == "boolean":
            return s.lower() == "true"
        if base == "date":
            return datetime.date.fromisoformat(s)
        return s

    return [one(p) for p in cell.split(";")] if array else one(cell)


def check_kuzu(truth, csv_dir, work):
    try:
        import kuzu
    except ImportError:
        return ("skip", "kuzu is not installed")
    nh, nrows = read_neo4j_csv(os.path.join(csv_dir, "nodes.csv"))
    rh, rrows = read_neo4j_csv(os.path.join(csv_dir, "relationships.csv"))
    cols = [(h.rsplit(":", 1)[0], h.rsplit(":", 1)[1]) for h in nh]
    db_path = os.path.join(work, "kuzu-db")
    shutil.rmtree(db_path, ignore_errors=True)
    conn = kuzu.Connection(kuzu.Database(db_path))
    # One node table per label, with the typed columns its rows use (kuzu tables are typed).
    by_label = collections.defaultdict(list)
    for r in nrows:
        labels = [l for l in r[1].split(";") if l]
        assert len(labels) == 1, "kuzu needs one label per node"
        by_label[labels[0]].append(r)
    label_of = {}
    for label, rows in by_label.items():
        used = [i for i in range(2, len(cols)) if any(r[i] for r in rows)]
        names = [cols[i][0] for i in used]
        assert len(set(names)) == len(names), f"{label}: a key with two types"
        decl = ", ".join(f"`{cols[i][0]}` {CSV_KUZU[cols[i][1].rstrip('[]')]}{'[]' if cols[i][1].endswith('[]') else ''}" for i in used)
        conn.execute(f"CREATE NODE TABLE `{label}`(`sg_id` INT64, {decl + ', ' if decl else ''}PRIMARY KEY (`sg_id`))")
        for r in rows:
            params = {"sg_id": int(r[0])}
            params.update({f"p{i}": csv_value(r[i], cols[i][1]) for i in used if r[i]})
            sets = ", ".join([f"`sg_id`: $sg_id"] + [f"`{cols[i][0]}`: $p{i}" for i in used if r[i]])
            conn.execute(f"CREATE (:`{label}` {{{sets}}})", params)
            label_of[r[0]] = label
    rcols = [(h.rsplit(":", 1)[0], h.rsplit(":", 1)[1]) for h in rh]
    by_type = collections.defaultdict(list)
    for r in rrows:
        by_type[r[2]].append(r)
    for ty, rows in by_type.items():
        used = [i for i in range(3, len(rcols)) if any(r[i] for r in rows)]
        pairs = sorted({(label_of[r[0]], label_of[r[1]]) for r in rows})
        decl = ", ".join(f"FROM `{a}` TO `{b}`" for a, b in pairs)
        decl += "".join(f", `{rcols[i][0]}` {CSV_KUZU[rcols[i][1].rstrip('[]')]}{'[]' if rcols[i][1].endswith('[]') else ''}" for i in used)
        conn.execute(f"CREATE REL TABLE `{ty}`({decl}, MANY_MANY)")
        for r in rows:
            params = {"s": int(r[0]), "e": int(r[1])}
            params.update({f"p{i}": csv_value(r[i], rcols[i][1]) for i in used if r[i]})
            sets = ", ".join(f"`{rcols[i][0]}`: $p{i}" for i in used if r[i])
            conn.execute(
                f"MATCH (a:`{label_of[r[0]]}`), (b:`{label_of[r[1]]}`) WHERE a.sg_id = $s AND b.sg_id = $e "
                f"CREATE (a)-[:`{ty}` {{{sets}}}]->(b)",
                params,
            )
    # Read everything back from kuzu.
    nodes = {}
    res = conn.execute("MATCH (n) RETURN n")
    while res.has_next():
        n = res.get_next()[0]
        props = {k: (fnorm(v) if isinstance(v, float) else norm(v)) for k, v in n.items() if not k.startswith("_") and k != "sg_id" and v is not None}
        nodes[n["sg_id"]] = node_sig([n["_label"]], props)
    rels = []
    res = conn.execute("MATCH (a)-[r]->(b) RETURN a.sg_id, r, b.sg_id")
    while res.has_next():
        a, r, b = res.get_next()
        props = tuple(sorted((k, fnorm(v) if isinstance(v, float) else norm(v)) for k, v in r.items() if not k.startswith("_") and v is not None))
        rels.append((a, r["_label"], props, b))
    return truth.compare(nodes, rels, "kuzu") + " in kuzu"


def check_falkordb(truth, path, work):
    try:
        from redislite.falkordb_client import FalkorDB
    except ImportError as e:
        return ("skip", f"falkordblite is not installed ({e})")
    text = open(path, encoding="utf-8").read()
    os.makedirs(work, exist_ok=True)
    db = FalkorDB(os.path.join(work, "falkor.rdb"))
    g = db.select_graph("kg")
    try:
        g.delete()
    except Exception:
        pass
    g.query(text)
    nodes = {}
    for row in g.query("MATCH (n) RETURN n").result_set:
        n = row[0]
        # The client reads a node without labels as labels None.
        nodes[n.id] = node_sig(n.labels or [], {k: falkor_value(v) for k, v in n.properties.items()})
    rels = []
    for a, r, b in g.query("MATCH (a)-[r]->(b) RETURN id(a), r, id(b)").result_set:
        rels.append((a, r.relation, tuple(sorted((k, falkor_value(v)) for k, v in r.properties.items())), b))
    try:
        db.close()
    except Exception:
        pass
    return truth.compare(nodes, rels, "FalkorDB") + " in FalkorDB"


def falkor_value(v):
    if isinstance(v, float):
        return fnorm(v)
    if isinstance(v, list):
        return ("list", tuple(falkor_value(x) for x in v))
    if hasattr(v, "isoformat") and not hasattr(v, "hour"):
        return ("date", v.isoformat())
    if hasattr(v, "date") and hasattr(v, "hour"):
        return ("date", v.date().isoformat())
    return norm(v)


def check_svg(truth, path):
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    groups = [g for g in root.iter(ns + "g") if (g.get("id") or "").startswith("n")]
    assert len(groups) == len(truth.nodes), f"{len(groups)} nodes drawn, want {len(truth.nodes)}"
    paths = [p for p in root.iter(ns + "path") if (p.get("id") or "").startswith("e")]
    assert len(paths) == sum(truth.rels.values()), f"{len(paths)} relationships drawn"
    assert truth.prov["graph_hash"] in root.find(ns + "desc").text
    return f"{len(groups)} nodes, {len(paths)} arrows"


def svg_picture(path):
    """The SVG picture's size, and the fill colours of its nodes."""
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    fills = collections.Counter()
    for g in root.iter(ns + "g"):
        if (g.get("id") or "").startswith("n"):
            fills[g.find(ns + "circle").get("fill").lower()] += 1
    return float(root.get("width")), float(root.get("height")), fills


def check_png(truth, path, svg_path):
    from PIL import Image

    img = Image.open(path)
    assert img.format == "PNG", f"not a PNG: {img.format}"
    w, h, fills = svg_picture(svg_path)
    assert img.size == (round(2 * w), round(2 * h)), f"{img.size}, want twice the SVG's {w:g}x{h:g}"
    prov = json.loads(img.text["provenance"])
    assert prov["graph_hash"] == truth.prov["graph_hash"], "provenance in the PNG's text chunks"
    rgb_img = img.convert("RGB")
    counts = collections.Counter(rgb_img.get_flattened_data() if hasattr(rgb_img, "get_flattened_data") else rgb_img.getdata())
    for fill, nodes in fills.items():
        rgb = tuple(int(fill[i : i + 2], 16) for i in (1, 3, 5))
        # A node is a disc of radius 14 pixels at 2x: several hundred pixels of its colour.
        assert counts[rgb] > 250 * nodes, f"{counts[rgb]} pixels of {fill}, drawn for {nodes} nodes"
    inked = sum(c for p, c in counts.items() if sum(p) < 240)  # the labels' text (#222222)
    assert inked > 40 * len(truth.nodes), f"only {inked} dark pixels: no text drawn (fonts missing?)"
    return f"{img.size[0]}x{img.size[1]}, every node colour of the SVG drawn ({len(fills)} colours), {inked} text pixels"


def chromium():
    for c in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(c):
            return c
    return None


CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--virtual-time-budget=3000",
]


def check_html(truth, path, work):
    browser = chromium()
    if not browser:
        return ("skip", "no chromium")
    url = "file://" + os.path.abspath(path)
    shot = os.path.join(work, "html-view.png")
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run(
            [browser, *CHROME_FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}", "--window-size=1200,900", url],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert os.path.exists(shot), f"no screenshot: {r.stderr[-500:]}"
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(
            [browser, *CHROME_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url], capture_output=True, text=True, timeout=120
        ).stdout
    drawn = dom.count('class="node')
    assert drawn == len(truth.nodes), f"the page drew {drawn} nodes, want {len(truth.nodes)}"
    from PIL import Image

    img = Image.open(shot).convert("RGB")
    w, h = img.size
    pixels = list(img.get_flattened_data() if hasattr(img, "get_flattened_data") else img.getdata())
    coloured = sum(1 for p in pixels if max(p) - min(p) > 40)  # the nodes' fill colours
    inked = sum(1 for p in pixels if sum(p) < 600)
    assert coloured > 200, f"only {coloured} coloured pixels: no nodes drawn?"
    assert inked > 0.002 * w * h, f"only {inked} non-white pixels: a blank page?"
    return f"{drawn} nodes in the DOM; screenshot {w}x{h} with {coloured} coloured and {inked} inked pixels"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    for case in sorted(os.listdir(args.out)):
        d = os.path.join(args.out, case)
        if not os.path.isdir(d):
            continue
        whole = case == "whole"
        truth = Truth(os.path.join(d, "graph.json"))
        p = lambda ext: os.path.join(d, "graph." + ext)
        check(f"{case}: node-link JSON → NetworkX", lambda: check_nodelink(truth, p("nodelink")))
        check(f"{case}: GraphML → NetworkX", lambda: check_graphml(truth, p("graphml")))
        check(f"{case}: GraphML → igraph", lambda: check_igraph(truth, p("graphml")))
        check(f"{case}: GEXF → NetworkX", lambda: check_gexf(truth, p("gexf")))
        check(f"{case}: DOT → Graphviz", lambda: check_dot(truth, p("dot"), os.path.join(d, "dot")))
        check(f"{case}: CSV → silkgraph", lambda: check_reload(truth, args.bin, os.path.join(d, "csv"), os.path.join(d, "back-csv.json"), whole))
        check(f"{case}: CSV → pandas", lambda: check_pandas(truth, os.path.join(d, "csv")))
        check(f"{case}: CSV → kuzu", lambda: check_kuzu(truth, os.path.join(d, "csv"), d))
        check(f"{case}: Cypher → silkgraph", lambda: check_reload(truth, args.bin, p("cypher"), os.path.join(d, "back-cypher.json"), whole))
        check(f"{case}: Cypher → FalkorDB", lambda: check_falkordb(truth, p("cypher"), d))
        check(f"{case}: JSON → silkgraph", lambda: check_reload(truth, args.bin, p("json"), os.path.join(d, "back-json.json"), whole))
        check(f"{case}: SVG picture", lambda: check_svg(truth, p("svg")))
        check(f"{case}: PNG picture → Pillow", lambda: check_png(truth, p("png"), p("svg")))
        check(f"{case}: HTML view → chromium", lambda: check_html(truth, p("html"), d))
    # The golden small graph of tests/export.rs has every value type (dates, NaN, infinities,
    # integers past 2^53, lists), several labels, a node without any, parallel relationships
    # and a self-loop: its Cypher script, unchanged, into FalkorDB.
    golden = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden", "export")
    check(
        "golden small graph: Cypher → FalkorDB",
        lambda: check_falkordb(Truth(os.path.join(golden, "small.json")), os.path.join(golden, "small.cypher"), os.path.join(args.out, "golden")),
    )
    line = f"{RESULTS['passed']} passed, {RESULTS['failed']} failed"
    if RESULTS["skipped"]:
        line += f", {RESULTS['skipped']} skipped"
    print(line)
    sys.exit(1 if RESULTS["failed"] else 0)


if __name__ == "__main__":
    main()
