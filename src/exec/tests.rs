//! The executor over the storage boundary: the same statements against the small fake graph
//! (plain roads only) and the real store (adjacency runs, columns, count store, indexes) give
//! the same rows, and a failed statement leaves either unchanged.

use super::fake::FakeGraph;
use super::{execute, Control, Params, StoreCatalog};
use crate::error::Result;
use crate::store::{Graph, GraphRead, GraphWrite};
use crate::value::Value;

/// Parses, checks, plans (with `g`'s statistics) and runs one statement.
fn run(g: &mut dyn GraphWrite, text: &str) -> Result<Vec<Vec<Value>>> {
    let mut stmts = crate::syntax::parse(text)?;
    let stmt = stmts.remove(0);
    let analysis = crate::semantic::analyze(&stmt)?;
    let plan = {
        let catalog = StoreCatalog { graph: &*g, max_hops: 20, wanted: None, again_min: usize::MAX };
        crate::plan::build(&analysis, &catalog)?
    };
    Ok(execute(&plan, g, &Params::new(), &Control::default())?.rows)
}

/// Rows as text, sorted (order is not what is compared).
fn sorted(rows: Vec<Vec<Value>>) -> Vec<String> {
    let mut out: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
    out.sort();
    out
}

const GRAPH: &str = "CREATE (a:Person {name: 'Ann', age: 41}), (b:Person {name: 'Bob', age: 35}), \
    (c:Person:Official {name: 'Cho', age: 58}), (k:Country {name: 'Kyrgyzstan'}), (j:Country {name: 'Japan'}), \
    (a)-[:KNOWS {since: 2001}]->(b), (b)-[:KNOWS {since: 2010}]->(c), (c)-[:KNOWS]->(a), (a)-[:KNOWS]->(a), \
    (a)-[:VISITED {year: 2004}]->(j), (c)-[:VISITED {year: 2013}]->(j), (c)-[:VISITED {year: 2019}]->(j), \
    (b)-[:LIVES_IN]->(k)";

const QUERIES: &[&str] = &[
    "MATCH (n) RETURN count(n)",
    "MATCH ()-[r]->() RETURN type(r), count(*)",
    "MATCH (p:Person) WHERE p.age > 36 RETURN p.name, p.age",
    "MATCH (p:Person {name: 'Ann'})-[:KNOWS]->(f) RETURN f.name",
    "MATCH (p)<-[:KNOWS]-(f) RETURN p.name, f.name",
    "MATCH (p)-[:KNOWS]-(f) RETURN p.name, f.name",
    "MATCH (a)-[:KNOWS*1..3]->(b) RETURN a.name, count(DISTINCT b)",
    "MATCH (p)-[v:VISITED]->(c:Country) RETURN c.name, count(*), min(v.year), max(v.year), sum(v.year)",
    "MATCH (p:Person) OPTIONAL MATCH (p)-[:LIVES_IN]->(c) RETURN p.name, c.name",
    "MATCH (p:Person) RETURN p.name ORDER BY p.age DESC LIMIT 2",
    "MATCH p = shortestPath((a:Person {name: 'Bob'})-[:KNOWS*]->(b:Person {name: 'Ann'})) RETURN length(p)",
    "MATCH (a)-[:KNOWS]->(b)-[:KNOWS]->(c)-[:KNOWS]->(a) RETURN count(*)",
    "MATCH (p:Official) RETURN labels(p), properties(p), keys(p)",
    "MATCH (p:Person) WHERE exists((p)-[:VISITED]->()) RETURN p.name",
    "MATCH (p:Person) RETURN p.name, size([(p)-[:KNOWS]->(f) | f.name]) AS n",
    "MATCH (n:Person) WITH n.age / 10 AS decade, collect(n.name) AS names RETURN decade, size(names)",
];

fn both() -> (FakeGraph, Graph) {
    let mut fake = FakeGraph::default();
    let mut real = Graph::new();
    run(&mut fake, GRAPH).unwrap();
    run(&mut real, GRAPH).unwrap();
    (fake, real)
}

#[test]
fn the_fake_graph_and_the_store_give_the_same_rows() {
    let (mut fake, mut real) = both();
    for q in QUERIES {
        let f = run(&mut fake, q).unwrap_or_else(|e| panic!("{q} on the fake: {}", e.message));
        let r = run(&mut real, q).unwrap_or_else(|e| panic!("{q} on the store: {}", e.message));
        assert!(!r.is_empty(), "{q}: no rows, nothing compared");
        assert_eq!(sorted(f), sorted(r), "{q}");
    }
}

#[test]
fn writes_through_the_trait_and_their_rollback() {
    let (mut fake, mut real) = both();
    let writes = [
        "MATCH (p:Person {name: 'Bob'}) SET p.age = p.age + 1, p:Official",
        "MATCH (p:Person {name: 'Ann'})-[r:KNOWS]->(p) DELETE r",
        "MATCH (c:Country {name: 'Japan'}) CREATE (:Event {name: 'Forum'})-[:IN]->(c)",
        "MATCH (p:Official) REMOVE p.age",
    ];
    let check = "MATCH (n) OPTIONAL MATCH (n)-[r]->(m) RETURN labels(n), properties(n), type(r), m.name";
    for w in writes {
        run(&mut fake, w).unwrap();
        run(&mut real, w).unwrap();
        assert_eq!(sorted(run(&mut fake, check).unwrap()), sorted(run(&mut real, check).unwrap()), "after {w}");
    }
    // A statement that fails half way leaves each graph as it was.
    let before = (sorted(run(&mut fake, check).unwrap()), sorted(run(&mut real, check).unwrap()));
    let failing = "MATCH (p:Person) SET p.x = 1 WITH p RETURN 1 / (p.age - p.age)";
    assert!(run(&mut fake, failing).is_err());
    assert!(run(&mut real, failing).is_err());
    assert_eq!(sorted(run(&mut fake, check).unwrap()), before.0);
    assert_eq!(sorted(run(&mut real, check).unwrap()), before.1);
    assert_eq!(before.0, before.1);
    // A node with relationships cannot be deleted without DETACH, on either.
    let e = run(&mut fake, "MATCH (c:Country {name: 'Japan'}) DELETE c").unwrap_err();
    assert_eq!(e.detail, run(&mut real, "MATCH (c:Country {name: 'Japan'}) DELETE c").unwrap_err().detail);
    assert_eq!(fake.node_count(), real.node_count());
}

#[test]
fn procedures_that_need_projections_say_the_fake_has_none() {
    let (mut fake, _) = both();
    let e = run(&mut fake, "CALL algo.pageRank() YIELD node, score RETURN node, score").unwrap_err();
    assert!(e.message.contains("no projections"), "{}", e.message);
}

#[test]
fn every_function_of_the_catalogue_has_a_body() {
    // A function the planner resolves but the executor has no arm for would fail only when a
    // row reaches it: each is called here with arguments of 1 (not null: most functions answer
    // null to a null before they are told apart), and a type error is fine, an unknown
    // function is not.
    use crate::catalog::functions::FUNCTIONS;
    let mut g = Graph::new();
    for sig in FUNCTIONS.iter().filter(|s| !crate::catalog::is_aggregate(s.name) && !s.name.starts_with("__")) {
        let args = vec!["1"; sig.min].join(", ");
        let q = format!("RETURN {}({args})", sig.name);
        if let Err(e) = run(&mut g, &q) {
            assert_ne!(e.detail, crate::error::Detail::UnknownFunction, "{q}: {}", e.message);
        }
    }
    // And the catalogue names each function once, so that a name resolves to its own entry.
    for (i, sig) in FUNCTIONS.iter().enumerate() {
        assert_eq!(crate::catalog::functions::resolve(sig.name).map(|f| f.index()), Some(i), "{}", sig.name);
    }
}
