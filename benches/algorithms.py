#!/usr/bin/env python3
"""PageRank, weakly connected components and betweenness: silkgraph against igraph,
rustworkx and NetworkX, side by side in one run, on the KNOWS graph of the shared bench
generator (`../shared/bench/gen.py`), and silkgraph's answers checked against NetworkX's.

    python3 -m venv target/nxvenv
    target/nxvenv/bin/pip install networkx==3.6.1 numpy scipy igraph==1.0.0 rustworkx==0.18.1
    target/nxvenv/bin/python benches/algorithms.py --scale 1 [--repeat 3] [--engines ...]

Every engine runs in its own child process and reads the same CSV. The peers are timed on a
graph object they have already built (as the shared bench's `--algorithms` section does);
silkgraph is timed twice: as `CALL algo.…` runs (projecting the store into a CSR, running the
algorithm, making the rows) and on a prebuilt projection. Parameters: PageRank damping 0.85,
at most 100 iterations, tolerance 1e-10 (NetworkX's L1 test); WCC; directed, unnormalised
betweenness on the subgraph induced by the first `--bc-nodes` persons.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PEERS = ["igraph", "rustworkx", "networkx"]


def now():
    return time.perf_counter()


def worker(opts):
    import numpy as np
    manifest = json.load(open(os.path.join(opts.data, "manifest.json")))
    n = manifest["node_counts"]["Person"]
    off = manifest["id_offsets"]["Person"]
    raw = np.loadtxt(os.path.join(opts.data, manifest["files"]["relationships"]["KNOWS"]), delimiter=",",
                     skiprows=1, dtype=np.int64, usecols=(0, 1), ndmin=2)
    src, dst = raw[:, 0] - off, raw[:, 1] - off
    k = min(opts.bc_nodes, n)
    keep = (src < k) & (dst < k)
    bsrc, bdst = src[keep], dst[keep]
    res = {"engine": opts.worker, "nodes": int(n), "edges": int(len(src)), "ms": {}}
    samples = {}

    def timed(key, f, repeat):
        times, v = [], None
        for _ in range(repeat):
            t = now()
            v = f()
            times.append((now() - t) * 1000)
        res["ms"][key] = statistics.median(times)
        samples[key] = times
        return v

    def save(key, arr):
        np.asarray(arr, dtype="<f8").tofile(os.path.join(opts.out, f"{opts.worker}_{key}.f64"))

    rep = opts.repeat
    if opts.worker == "igraph":
        import igraph as ig
        res["version"] = ig.__version__
        G = timed("build", lambda: ig.Graph(n=n, edges=np.column_stack([src, dst]), directed=True), 1)
        save("pagerank", timed("pagerank", lambda: G.pagerank(damping=0.85, directed=True), rep))
        sizes = timed("wcc", lambda: G.connected_components(mode="weak").sizes(), rep)
        B = ig.Graph(n=k, edges=np.column_stack([bsrc, bdst]), directed=True)
        save("betweenness", timed("betweenness", lambda: B.betweenness(directed=True), rep))
    elif opts.worker == "rustworkx":
        import rustworkx as rx
        res["version"] = rx.__version__

        def build(s, d, size):
            G = rx.PyDiGraph(multigraph=False)
            G.add_nodes_from(range(size))
            G.add_edges_from_no_data(list(zip(s.tolist(), d.tolist())))
            return G
        G = timed("build", lambda: build(src, dst, n), 1)
        pr = timed("pagerank", lambda: rx.pagerank(G, alpha=0.85, max_iter=100, tol=1e-10), rep)
        save("pagerank", [pr[i] for i in range(n)])
        sizes = timed("wcc", lambda: [len(c) for c in rx.weakly_connected_components(G)], rep)
        B = build(bsrc, bdst, k)
        bc = timed("betweenness", lambda: rx.digraph_betweenness_centrality(B, normalized=False), rep)
        save("betweenness", [bc[i] for i in range(k)])
    elif opts.worker == "networkx":
        import networkx as nx
        res["version"] = nx.__version__

        def build(s, d, size):
            G = nx.DiGraph()
            G.add_nodes_from(range(size))
            G.add_edges_from(zip(s.tolist(), d.tolist()))
            return G
        G = timed("build", lambda: build(src, dst, n), 1)
        pr = timed("pagerank", lambda: nx.pagerank(G, alpha=0.85, max_iter=100, tol=1e-10), 1)
        save("pagerank", [pr[i] for i in range(n)])
        sizes = timed("wcc", lambda: [len(c) for c in nx.weakly_connected_components(G)], 1)
        B = build(bsrc, bdst, k)
        bc = timed("betweenness", lambda: nx.betweenness_centrality(B, normalized=False), 1)
        save("betweenness", [bc[i] for i in range(k)])
    res["wcc"] = {"count": len(sizes), "largest": int(max(sizes))}
    res["samples"] = samples
    print(json.dumps(res))


def run_silkgraph(opts):
    binary = opts.silkgraph_bench or os.path.join(ROOT, "target", "release", "examples", "algo_bench")
    if not opts.silkgraph_bench:
        subprocess.run(["cargo", "build", "--release", "--example", "algo_bench"], cwd=ROOT, check=True)
    out = subprocess.run([binary, "--data", opts.data, "--bc-nodes", str(opts.bc_nodes), "--repeat", str(opts.repeat),
                          "--out", opts.out], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def compare(opts, engine, key, n):
    import numpy as np
    ours = os.path.join(opts.out, f"{engine}_{key}.f64")
    ref = os.path.join(opts.out, f"networkx_{key}.f64")
    if not (os.path.exists(ours) and os.path.exists(ref)):
        return None
    a, b = np.fromfile(ours, dtype="<f8"), np.fromfile(ref, dtype="<f8")
    if len(a) != len(b):
        return f"length {len(a)} vs {len(b)}"
    if not len(a):
        return "equal (empty)"
    d = np.abs(a - b)
    return f"max abs {float(np.max(d)):.2g}, max rel {float(np.max(d / np.maximum(np.abs(b), 1e-300))):.2g}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="1")
    ap.add_argument("--seed", default="42")
    ap.add_argument("--data", help="generated data (default bench-data/s<scale>)")
    ap.add_argument("--engines", default="silkgraph,igraph,rustworkx,networkx")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bc-nodes", type=int, default=2000)
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "algo-bench"))
    ap.add_argument("--silkgraph-bench", help="a built algo_bench example (default: cargo builds it)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    opts = ap.parse_args()
    opts.data = opts.data or os.path.join(ROOT, "bench-data", f"s{opts.scale}")
    os.makedirs(opts.out, exist_ok=True)
    if opts.worker:
        return worker(opts)
    if not os.path.exists(os.path.join(opts.data, "manifest.json")):
        gen = os.path.join(ROOT, "..", "shared", "bench", "gen.py")
        subprocess.run([sys.executable, gen, "--scale", opts.scale, "--seed", opts.seed, "--out", opts.data], check=True)
    engines = opts.engines.split(",")
    results = {}
    for e in engines:
        t = now()
        if e == "silkgraph":
            results[e] = run_silkgraph(opts)
        else:
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", e, "--data", opts.data,
                                  "--repeat", str(opts.repeat), "--bc-nodes", str(opts.bc_nodes), "--out", opts.out],
                                 check=True, capture_output=True, text=True).stdout
            results[e] = json.loads(out.strip().splitlines()[-1])
        print(f"bench: {e} done in {now() - t:.1f} s", file=sys.stderr)
    with open(os.path.join(opts.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    # Report.
    cols = [e for e in engines]
    lines = [f"KNOWS at scale {opts.scale}: {results[cols[0]]['nodes']:,} persons, {results[cols[0]]['edges']:,} "
             f"relationships; betweenness on the first {opts.bc_nodes:,} persons. Median of {opts.repeat} runs "
             "(NetworkX: 1 run), ms.", ""]
    head = ["algorithm"] + [f"silkgraph (CALL)" if c == "silkgraph" else c for c in cols]
    if "silkgraph" in cols:
        head.insert(2, "silkgraph (kernel)")
        head.insert(3, "silkgraph (first CALL)")
    peers = [c for c in cols if c != "silkgraph"]
    head += ["best peer", "silkgraph / best"] if "silkgraph" in cols and peers else []
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for key in ("pagerank", "wcc", "betweenness"):
        row = [key]
        for c in cols:
            row.append(f"{results[c]['ms'].get(key, float('nan')):,.0f}")
            if c == "silkgraph":
                row.append(f"{results[c]['ms'].get(key + '_kernel', float('nan')):,.0f}")
                row.append(f"{results[c]['ms'].get(key + '_cold', float('nan')):,.0f}")
        if "silkgraph" in cols and peers:
            best = min(peers, key=lambda p: results[p]["ms"].get(key, float("inf")))
            b = results[best]["ms"][key]
            row += [f"{best} {b:,.0f}", f"{results['silkgraph']['ms'][key] / b:.2f}"]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    if "silkgraph" in results:
        s = results["silkgraph"]
        lines.append(f"silkgraph: load {s['ms']['load']:,.0f} ms (not timed above); projection "
                     f"{s['ms']['projection']:,.0f} ms, reversed {s['ms']['projection_reversed']:,.0f} ms; "
                     f"PageRank ran {s['pagerank_iterations']} iterations; {s['threads']} threads.")
    lines.append("")
    lines.append("Agreement with NetworkX (largest absolute and relative difference over all nodes; WCC count / largest):")
    lines.append("")
    for c in cols:
        if c == "networkx":
            continue
        n = results[c]["nodes"]
        pr, bc = compare(opts, c, "pagerank", n), compare(opts, c, "betweenness", n)
        w = results[c]["wcc"]
        ref = results.get("networkx", {}).get("wcc")
        same = "" if ref is None else (" (same)" if w == ref else f" (NetworkX {ref['count']} / {ref['largest']})")
        lines.append(f"- {c}: pagerank {pr}, betweenness {bc}, wcc {w['count']} / {w['largest']}{same}")
    report = "\n".join(lines) + "\n"
    with open(os.path.join(opts.out, "report.md"), "w") as f:
        f.write(report)
    print(report)
    print("bench: done")


if __name__ == "__main__":
    main()
