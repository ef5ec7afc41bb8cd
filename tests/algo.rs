//! The `algo.*` procedures against NetworkX: every measure on every teaching graph and on the
//! bundled graph agrees with the fixtures in `tests/fixtures/algo/` (written by
//! `benches/networkx/make_fixtures.py`) to 1e-9; components and Louvain communities give the
//! same partition (and Louvain the same modularity to 1e-6) for the same seed.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde_json::Value as J;
use silkgraph::algo::{self, Record};
use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::store::Graph;
use silkgraph::value::{NodeId, Value};

const TOL: f64 = 1e-9;
const GRAPHS: &[&str] = &["karate", "florentine", "lesmis", "kyrgyz_japan"];

fn fixture(name: &str) -> J {
    let path = format!("{}/tests/fixtures/algo/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("fixture exists")).expect("fixture is JSON")
}

fn graph(name: &str) -> Graph {
    silkgraph::graphs::open(name).expect("bundled graph opens")
}

fn config(pairs: &[(&str, Value)]) -> Value {
    Value::map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<IndexMap<_, _>>())
}

fn call(g: &Graph, name: &str, args: &[Value]) -> Vec<Record> {
    algo::call(name, args, g, &|| Ok(())).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        other => panic!("not a number: {other:?}"),
    }
}

fn node(v: &Value) -> u64 {
    match v {
        Value::Node(id) => id.0,
        other => panic!("not a node: {other:?}"),
    }
}

/// `field` of each row by node id.
fn scores(rows: &[Record], field: &str) -> BTreeMap<u64, f64> {
    rows.iter().map(|r| (node(&r["node"]), num(&r[field]))).collect()
}

fn assert_close(what: &str, ours: &BTreeMap<u64, f64>, theirs: &J) {
    let theirs = theirs.as_object().unwrap_or_else(|| panic!("{what}: fixture has no values"));
    assert_eq!(ours.len(), theirs.len(), "{what}: node count");
    for (k, v) in theirs {
        let id: u64 = k.parse().unwrap();
        let (a, b) = (ours[&id], v.as_f64().unwrap());
        assert!((a - b).abs() <= TOL, "{what}: node {id}: silkgraph {a}, NetworkX {b}");
    }
}

/// Groups nodes by the value of `field` into a sorted list of sorted sets.
fn partition(rows: &[Record], field: &str) -> Vec<Vec<u64>> {
    let mut groups: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    for r in rows {
        let Value::Int(c) = r[field] else { panic!("{field} is not an integer") };
        groups.entry(c).or_default().push(node(&r["node"]));
    }
    let mut parts: Vec<Vec<u64>> = groups
        .into_values()
        .map(|mut v| {
            v.sort();
            v
        })
        .collect();
    parts.sort();
    parts
}

fn fixture_partition(j: &J) -> Vec<Vec<u64>> {
    serde_json::from_value(j.clone()).expect("a partition")
}

/// Every measure of one projection (`dir` is 'both' or 'out') against the fixture `fx`.
fn check_projection(name: &str, g: &Graph, dir: &str, fx: &J, weight: Option<&str>) {
    let d = ("direction", Value::str(dir));
    let what = |m: &str| format!("{name} {dir} {m}");
    let c = |extra: &[(&str, Value)]| {
        let mut v = vec![d.clone()];
        v.extend_from_slice(extra);
        config(&v)
    };
    assert_close(&what("degree"), &scores(&call(g, "algo.degree", &[c(&[])]), "score"), &fx["degree"]);
    assert_close(&what("pagerank"), &scores(&call(g, "algo.pageRank", &[c(&[])]), "score"), &fx["pagerank"]);
    assert_close(&what("betweenness"), &scores(&call(g, "algo.betweenness", &[c(&[])]), "score"), &fx["betweenness"]);
    assert_close(
        &what("betweenness (not normalised)"),
        &scores(&call(g, "algo.betweenness", &[c(&[("normalized", Value::Bool(false))])]), "score"),
        &fx["betweenness_raw"],
    );
    assert_close(&what("closeness"), &scores(&call(g, "algo.closeness", &[c(&[])]), "score"), &fx["closeness"]);
    if fx["eigenvector"].is_null() {
        assert!(algo::call("algo.eigenvector", &[c(&[])], g, &|| Ok(())).is_err(), "{}", what("eigenvector"));
    } else {
        let ev = scores(&call(g, "algo.eigenvector", &[c(&[])]), "score");
        assert_close(&what("eigenvector"), &ev, &fx["eigenvector"]);
    }
    let comps = partition(&call(g, "algo.components", &[c(&[])]), "component");
    assert_eq!(comps, fixture_partition(&fx["components"]), "{}", what("components"));
    if dir == "out" {
        let inn = call(g, "algo.degree", &[config(&[("direction", Value::str("in"))])]);
        assert_close(&what("in-degree"), &scores(&inn, "score"), &fx["in_degree"]);
        let scc = partition(&call(g, "algo.scc", &[c(&[])]), "component");
        assert_eq!(scc, fixture_partition(&fx["scc"]), "{}", what("scc"));
    } else {
        let cl = scores(&call(g, "algo.clustering", &[c(&[])]), "score");
        assert_close(&what("clustering"), &cl, &fx["clustering"]);
        let tr = scores(&call(g, "algo.triangles", &[c(&[])]), "triangles");
        assert_close(&what("triangles"), &tr, &fx["triangles"]);
    }
    check_louvain(&what("louvain"), g, &c, &fx["louvain"]);
    let stats = &call(g, "algo.stats", &[c(&[])])[0];
    for (k, v) in fx["stats"].as_object().unwrap() {
        let ours = num(&stats[k.as_str()]);
        assert!((ours - v.as_f64().unwrap()).abs() <= TOL, "{}: silkgraph {ours}, NetworkX {v}", what(k));
    }
    // Hops from the first node: shortestPath to every node, and kHop up to 2.
    let src = fx["hops_from"].as_u64().unwrap();
    let hops = fx["hops"].as_object().unwrap();
    for id in g.node_ids() {
        let rows = call(g, "algo.shortestPath", &[Value::Node(NodeId(src)), Value::Node(id), c(&[])]);
        match hops.get(&id.to_string()) {
            Some(h) => {
                assert_eq!(num(&rows[0]["cost"]), h.as_f64().unwrap(), "{} to {id}", what("hops"));
                let Value::Path(p) = &rows[0]["path"] else { panic!("not a path") };
                assert_eq!(p.rels.len() as f64, h.as_f64().unwrap());
                assert_eq!((p.nodes[0], *p.nodes.last().unwrap()), (NodeId(src), id));
            }
            None => assert!(rows.is_empty(), "{}: {id} is unreachable", what("hops")),
        }
    }
    let near = scores(&call(g, "algo.kHop", &[Value::Node(NodeId(src)), Value::Int(2), c(&[])]), "distance");
    let want: BTreeMap<u64, f64> = hops
        .iter()
        .map(|(k, v)| (k.parse().unwrap(), v.as_f64().unwrap()))
        .filter(|(_, v)| (1.0..=2.0).contains(v))
        .collect();
    assert_eq!(near, want, "{}", what("kHop"));

    let Some(wkey) = weight else { return };
    let fw = &fx["weighted"];
    let cw = |extra: &[(&str, Value)]| {
        let mut v = vec![d.clone(), ("weight", Value::str(wkey))];
        v.extend_from_slice(extra);
        config(&v)
    };
    let wwhat = |m: &str| what(&format!("weighted {m}"));
    assert_close(&wwhat("degree"), &scores(&call(g, "algo.degree", &[cw(&[])]), "score"), &fw["degree"]);
    assert_close(&wwhat("pagerank"), &scores(&call(g, "algo.pageRank", &[cw(&[])]), "score"), &fw["pagerank"]);
    let bw = scores(&call(g, "algo.betweenness", &[cw(&[])]), "score");
    assert_close(&wwhat("betweenness"), &bw, &fw["betweenness"]);
    assert_close(&wwhat("closeness"), &scores(&call(g, "algo.closeness", &[cw(&[])]), "score"), &fw["closeness"]);
    if fw["eigenvector"].is_null() {
        assert!(algo::call("algo.eigenvector", &[cw(&[])], g, &|| Ok(())).is_err());
    } else {
        let ev = scores(&call(g, "algo.eigenvector", &[cw(&[])]), "score");
        assert_close(&wwhat("eigenvector"), &ev, &fw["eigenvector"]);
    }
    if dir == "both" {
        let cl = scores(&call(g, "algo.clustering", &[cw(&[])]), "score");
        assert_close(&wwhat("clustering"), &cl, &fw["clustering"]);
    }
    check_louvain(&wwhat("louvain"), g, &cw, &fw["louvain"]);
    let costs = fw["costs"].as_object().unwrap();
    for (k, v) in costs {
        let rows =
            call(g, "algo.shortestPath", &[Value::Node(NodeId(src)), Value::Node(NodeId(k.parse().unwrap())), cw(&[])]);
        assert!((num(&rows[0]["cost"]) - v.as_f64().unwrap()).abs() <= TOL, "{} to {k}", wwhat("cost"));
    }
}

/// Builds a configuration map from extra keys.
type MakeConfig<'a> = &'a dyn Fn(&[(&str, Value)]) -> Value;

fn check_louvain(what: &str, g: &Graph, c: MakeConfig, runs: &J) {
    for run in runs.as_array().unwrap() {
        let seed = run["seed"].as_i64().unwrap();
        let rows = call(g, "algo.communities", &[c(&[("seed", Value::Int(seed))])]);
        let q = num(&rows[0]["modularity"]);
        let want = run["modularity"].as_f64().unwrap();
        assert!((q - want).abs() <= 1e-6, "{what} seed {seed}: modularity {q}, NetworkX {want}");
        assert_eq!(partition(&rows, "community"), fixture_partition(&run["partition"]), "{what} seed {seed}");
    }
}

fn check_graph(name: &str) {
    let fx = fixture(name);
    let g = graph(name);
    let ids: Vec<u64> = g.node_ids().map(u64::from).collect();
    assert_eq!(ids, fixture_partition(&J::Array(vec![fx["nodes"].clone()]))[0], "{name}: nodes");
    let weight = fx["weight"].as_str();
    check_projection(name, &g, "both", &fx["undirected"], weight);
    check_projection(name, &g, "out", &fx["directed"], weight);
}

#[test]
fn karate_agrees_with_networkx() {
    check_graph("karate");
}

#[test]
fn florentine_agrees_with_networkx() {
    check_graph("florentine");
}

#[test]
fn lesmis_agrees_with_networkx() {
    check_graph("lesmis");
}

#[test]
fn bundled_graph_agrees_with_networkx() {
    check_graph("kyrgyz_japan");
}

#[test]
fn every_teaching_graph_is_bundled_and_cited() {
    for name in GRAPHS {
        let (_, about, text) = silkgraph::graphs::BUNDLED.iter().find(|(n, _, _)| n == name).expect("bundled");
        assert!(!about.is_empty());
        if *name != "kyrgyz_japan" {
            let head: String = text.lines().take_while(|l| l.starts_with("//")).collect();
            assert!(head.contains("Source"), "{name} cites its source");
        }
    }
}

fn rows(s: &mut Session, q: &str) -> Vec<Vec<Value>> {
    s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows
}

#[test]
fn procedures_compose_with_cypher() {
    let mut s = Session::new(graph("karate"));
    let top = rows(
        &mut s,
        "CALL algo.pageRank({direction: 'both'}) YIELD node, score RETURN node.name, score ORDER BY score DESC LIMIT 2",
    );
    assert_eq!(top[0][0], Value::str("John A."));
    assert_eq!(top[1][0], Value::str("Mr. Hi"));
    // Louvain's communities against the club's real split: each community is mostly one side.
    let split = rows(
        &mut s,
        "CALL algo.communities({seed: 42}) YIELD node, community \
         WITH community, collect(node.club) AS clubs \
         RETURN community, size([c IN clubs WHERE c = 'Mr. Hi']) AS hi, size([c IN clubs WHERE c = 'Officer']) AS officer \
         ORDER BY community",
    );
    assert!(split.len() >= 2);
    let stats =
        rows(&mut s, "CALL algo.stats() YIELD nodes, relationships, diameter RETURN nodes, relationships, diameter");
    assert_eq!(stats, vec![vec![Value::Int(34), Value::Int(78), Value::Int(5)]]);
    let path = rows(
        &mut s,
        "MATCH (a {name: 'Mr. Hi'}), (b {name: 'John A.'}) \
         CALL algo.shortestPath(a, b) YIELD path, cost RETURN length(path), cost",
    );
    assert_eq!(path, vec![vec![Value::Int(2), Value::Int(2)]]);
    let members =
        rows(&mut s, "CALL algo.degree({labels: ['Member'], types: ['INTERACTS']}) YIELD node RETURN count(*)");
    assert_eq!(members, vec![vec![Value::Int(34)]]);
    let none = rows(&mut s, "CALL algo.degree({labels: ['Nobody']}) YIELD node RETURN count(*)");
    assert_eq!(none, vec![vec![Value::Int(0)]]);
}

#[test]
fn bad_configuration_names_the_key() {
    let mut s = Session::new(graph("karate"));
    for (q, key) in [
        ("CALL algo.pageRank({dampin: 0.85})", "dampin"),
        ("CALL algo.pageRank({damping: 'x'})", "damping"),
        ("CALL algo.pageRank({damping: 2})", "damping"),
        ("CALL algo.degree({direction: 'sideways'})", "direction"),
        ("CALL algo.triangles({direction: 'out'})", "direction"),
        ("CALL algo.communities({seed: 1.5})", "seed"),
        ("CALL algo.degree(3)", "configuration"),
    ] {
        let e = s.run_statement(q, &Params::new()).expect_err(q);
        assert_eq!(e.kind.as_str(), "ArgumentError", "{q}");
        assert_eq!(e.detail, "InvalidArgumentValue", "{q}");
        assert!(e.message.contains(key), "{q}: {}", e.message);
    }
}

#[test]
fn empty_graph_gives_no_rows() {
    let g = Graph::new();
    for name in ["algo.degree", "algo.pageRank", "algo.betweenness", "algo.closeness", "algo.eigenvector"] {
        assert!(call(&g, name, &[]).is_empty(), "{name}");
    }
    for name in ["algo.components", "algo.scc", "algo.communities", "algo.clustering", "algo.triangles"] {
        assert!(call(&g, name, &[]).is_empty(), "{name}");
    }
    let stats = &call(&g, "algo.stats", &[])[0];
    assert_eq!(stats["nodes"], Value::Int(0));
    assert_eq!(stats["diameter"], Value::Null);
}
