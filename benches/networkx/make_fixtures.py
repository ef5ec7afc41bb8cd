#!/usr/bin/env python3
"""Writes tests/fixtures/algo/<graph>.json: NetworkX's values of every measure that
silkgraph's `algo.*` procedures compute, on the teaching graphs and the bundled graph.
tests/algo.rs compares silkgraph with them (to 1e-9).

    python3 -m venv target/nxvenv && target/nxvenv/bin/pip install networkx==3.6.1 numpy scipy
    cargo build --release
    target/nxvenv/bin/python benches/networkx/make_fixtures.py [--silkgraph target/release/silkgraph]

The graphs are read from silkgraph itself (`silkgraph query --graph NAME --format jsonl`), so
NetworkX sees exactly what the procedures project: nodes in id order; relationships as a
simple graph, parallel ones collapsed into one edge keeping the smallest weight; `Graph` for
the undirected measures and `DiGraph` (each relationship from its start to its end) for the
directed ones. Edges are added in sorted order, so NetworkX holds every adjacency list in
ascending node order, as silkgraph's projection does; Louvain then visits nodes and breaks
ties the same way, and the same seed gives the same partition.
"""
import argparse
import json
import os
import subprocess

import networkx as nx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRAPHS = [("karate", "weight"), ("florentine", None), ("lesmis", "weight"), ("kyrgyz_japan", None)]
SEEDS = [42, 1, 7]


def query(binary, graph, text):
    out = subprocess.run([binary, "query", "--graph", graph, "--format", "jsonl", text],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[0])["rows"]


def load(binary, graph, weight):
    nodes = [r[0] for r in query(binary, graph, "MATCH (n) RETURN id(n) ORDER BY id(n)")]
    w = f"r.{weight}" if weight else "null"
    rels = query(binary, graph, f"MATCH (a)-[r]->(b) RETURN id(a), id(b), {w}")
    und, dird = {}, {}
    for a, b, x in rels:
        x = 1 if x is None else x
        key = (min(a, b), max(a, b))
        und[key] = min(und.get(key, x), x)
        dird[(a, b)] = min(dird.get((a, b), x), x)
    G, D = nx.Graph(), nx.DiGraph()
    G.add_nodes_from(nodes)
    D.add_nodes_from(nodes)
    for (a, b) in sorted(und):
        G.add_edge(a, b, weight=und[(a, b)])
    for (a, b) in sorted(dird):
        D.add_edge(a, b, weight=dird[(a, b)])
    return nodes, G, D


def by_node(d):
    return {str(k): v for k, v in d.items()}


def attempt(f):
    try:
        return by_node(f())
    except nx.PowerIterationFailedConvergence:
        return None


def partition(comms):
    return sorted(sorted(c) for c in comms)


def louvain(G, weight, seed):
    comms = nx.community.louvain_communities(G, weight=weight, seed=seed)
    return {"seed": seed, "partition": partition(comms),
            "modularity": nx.community.modularity(G, comms, weight=weight)}


def diameter(G):
    """The largest finite shortest-path length (nx.diameter, per component)."""
    best = 0
    for n in G:
        best = max(best, max(nx.single_source_shortest_path_length(G, n).values()))
    return best


def stats(G):
    n, m = G.number_of_nodes(), G.number_of_edges()
    U = G.to_undirected() if G.is_directed() else G
    return {"nodes": n, "relationships": m, "density": nx.density(G),
            "diameter": diameter(G) if n else None,
            "averageDegree": (m if G.is_directed() else 2 * m) / n if n else 0.0,
            "averageClustering": nx.average_clustering(U) if n else 0.0,
            "components": nx.number_weakly_connected_components(G) if G.is_directed()
            else nx.number_connected_components(G),
            "triangles": sum(nx.triangles(U).values()) // 3}


def measures(G, weighted):
    """Every measure of one projection (G undirected or directed)."""
    out = {"degree": by_node(dict(G.degree()) if not G.is_directed() else dict(G.out_degree())),
           "pagerank": by_node(nx.pagerank(G, weight=None)),
           "betweenness": by_node(nx.betweenness_centrality(G)),
           "betweenness_raw": by_node(nx.betweenness_centrality(G, normalized=False)),
           "closeness": by_node(nx.closeness_centrality(G)),
           "eigenvector": attempt(lambda: nx.eigenvector_centrality(G)),
           "louvain": [louvain(G, None, s) for s in SEEDS],
           "stats": stats(G)}
    src = next(iter(G.nodes()))
    out["hops_from"] = src
    out["hops"] = by_node(nx.single_source_shortest_path_length(G, src))
    if G.is_directed():
        out["in_degree"] = by_node(dict(G.in_degree()))
        out["scc"] = partition(nx.strongly_connected_components(G))
        out["components"] = partition(nx.weakly_connected_components(G))
    else:
        out["clustering"] = by_node(nx.clustering(G))
        out["triangles"] = by_node(nx.triangles(G))
        out["components"] = partition(nx.connected_components(G))
    if weighted:
        w = {"degree": by_node(dict(G.degree(weight="weight")) if not G.is_directed()
                               else dict(G.out_degree(weight="weight"))),
             "pagerank": by_node(nx.pagerank(G, weight="weight")),
             "betweenness": by_node(nx.betweenness_centrality(G, weight="weight")),
             "closeness": by_node(nx.closeness_centrality(G, distance="weight")),
             "eigenvector": attempt(lambda: nx.eigenvector_centrality(G, weight="weight")),
             "louvain": [louvain(G, "weight", s) for s in SEEDS],
             "costs": by_node(nx.single_source_dijkstra_path_length(G, src, weight="weight"))}
        if not G.is_directed():
            w["clustering"] = by_node(nx.clustering(G, weight="weight"))
        out["weighted"] = w
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--silkgraph", default=os.path.join(ROOT, "target", "release", "silkgraph"))
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "fixtures", "algo"))
    opts = ap.parse_args()
    os.makedirs(opts.out, exist_ok=True)
    for name, weight in GRAPHS:
        nodes, G, D = load(opts.silkgraph, name, weight)
        fx = {"graph": name, "networkx": nx.__version__, "weight": weight, "nodes": nodes,
              "undirected": measures(G, weight is not None), "directed": measures(D, weight is not None)}
        path = os.path.join(opts.out, name + ".json")
        with open(path, "w") as f:
            json.dump(fx, f, indent=1, sort_keys=True)
            f.write("\n")
        print(f"wrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
