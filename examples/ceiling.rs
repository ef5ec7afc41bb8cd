//! The physical limit of this design: for a full scan with a filter and for a two-hop count,
//! the time silkgraph's engine takes for the Cypher query against a hand-written Rust loop over
//! the same store (the same adjacency and property lookups the operators use, with nothing of
//! the language: no rows, no expressions, no operators). The ratio is what the language costs.
//!
//! ```sh
//! cargo run --release --example ceiling -- GRAPH.sg [--repeat 5]
//! ```
//!
//! `GRAPH.sg` is the shared bench's graph (`silkgraph import` of `gen.py`'s CSVs; see
//! benches/README.md). Prints one JSON object.

#[path = "support/timing.rs"]
mod timing;

use timing::timed;

use serde_json::json;
use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::store::{Dir, Graph};
use silkgraph::value::{NodeId, Value};

fn count(s: &mut Session, q: &str) -> i64 {
    let out = s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}"));
    match out.result.rows.first().and_then(|r| r.first()) {
        Some(Value::Int(n)) => *n,
        other => panic!("{q}: {other:?}"),
    }
}

/// `MATCH (p:Person) WHERE p.born >= 1980 RETURN count(*)`, by hand.
fn scan(g: &Graph) -> i64 {
    let (person, born) = (g.label_id("Person").expect("Person"), g.key_id("born").expect("born"));
    g.nodes_with_label(person).filter(|&id| matches!(g.node_prop(id, born), Some(Value::Int(y)) if y >= 1980)).count()
        as i64
}

/// `MATCH (p:Person)-[:KNOWS]->(:Person)-[:KNOWS]->(:Person) WHERE lo <= id(p) <= hi RETURN
/// count(*)`, by hand: the persons in the id range, the store's KNOWS adjacency, no
/// relationship used twice (as Cypher's matching requires), the label checked unless every
/// KNOWS ends at a person.
fn two_hop(g: &Graph, lo: NodeId, hi: NodeId) -> i64 {
    let person = g.label_id("Person").expect("Person");
    let knows = g.adjacency(g.type_id("KNOWS").expect("KNOWS"), Dir::Out).expect("an adjacency");
    let check = !knows.others_have(&[person]);
    let mut n = 0i64;
    for p in g.nodes_with_label_in(person, lo, hi) {
        for (r1, b) in knows.of(p) {
            if check && !g.has_label(b, person) {
                continue;
            }
            for (r2, c) in knows.of(b) {
                if r2 != r1 && (!check || g.has_label(c, person)) {
                    n += 1;
                }
            }
        }
    }
    n
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("GRAPH.sg");
    let repeat: usize = args.iter().position(|a| a == "--repeat").map_or(5, |i| args[i + 1].parse().expect("N"));
    let g = silkgraph::graphs::open(path).expect("open the graph");
    let person = g.label_id("Person").expect("Person");
    // The two-hop start set: the first 2,000 persons, so the engine's rows stay countable.
    let starts: Vec<NodeId> = g.nodes_with_label(person).take(2000).collect();
    let (lo, hi) = (starts[0], starts[starts.len() - 1]);
    let mut s = Session::new(g);
    s.timeout = None;
    // A full scan, as the loop does: no index on `born` made on the way.
    s.no_auto_index = true;

    let q_scan = "MATCH (p:Person) WHERE p.born >= 1980 RETURN count(*)";
    let q_hop = format!(
        "MATCH (p:Person)-[:KNOWS]->(:Person)-[:KNOWS]->(:Person) WHERE id(p) >= {lo} AND id(p) <= {hi} RETURN count(*)"
    );
    let (scan_engine, a) = timed(repeat, || count(&mut s, q_scan));
    let (scan_hand, b) = timed(repeat, || scan(&s.graph));
    assert_eq!(a, b, "the scan's answers differ");
    let (hop_engine, c) = timed(repeat, || count(&mut s, &q_hop));
    let (hop_hand, d) = timed(repeat, || two_hop(&s.graph, lo, hi));
    assert_eq!(c, d, "the two-hop answers differ");
    println!(
        "{}",
        json!({
            "graph": path, "nodes": s.graph.node_count(), "relationships": s.graph.rel_count(),
            "scan": {"query": q_scan, "rows": a, "engine_ms": scan_engine, "hand_ms": scan_hand, "ratio": scan_engine / scan_hand},
            "two_hop": {"query": q_hop, "paths": c, "engine_ms": hop_engine, "hand_ms": hop_hand, "ratio": hop_engine / hop_hand},
        })
    );
}
