//! The engine's own hot paths, with criterion: parsing, planning, expanding and grouping.
//! `cargo bench --bench engine`; the shared side-by-side benchmark is in benches/README.md.

use criterion::{criterion_group, criterion_main, Criterion};
use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::store::Graph;
use silkgraph::value::{NodeId, Value};

/// A question an analyst asks of the bundled graph: three patterns, a filter, grouping, order.
const QUESTION: &str = "MATCH (o:Official)-[v:VISITED]->(c:Country {name: 'Japan'}) \
    OPTIONAL MATCH (o)-[s:SIGNED]->(a:Agreement) WHERE a.year >= 2019 \
    WITH o, count(DISTINCT v) AS visits, collect(a.name) AS signed \
    RETURN o.name AS official, visits, signed ORDER BY visits DESC, official LIMIT 10";

/// `n` nodes `:P {x, g}` in a ring with chords: every node has 5 outgoing `:R`.
fn graph(n: u64) -> Graph {
    let mut g = Graph::new();
    for i in 0..n {
        g.create_node(["P"], [("x", Value::Int(i as i64)), ("g", Value::Int((i % 100) as i64))]);
    }
    for i in 0..n {
        for k in [1, 7, 31, 127, 1021] {
            g.create_rel(NodeId(i), NodeId((i + k) % n), "R", []);
        }
    }
    g
}

fn run(s: &mut Session, q: &str) -> usize {
    s.run_statement(q, &Params::new()).expect("runs").result.rows.len()
}

fn benches(c: &mut Criterion) {
    c.bench_function("parse: an analyst's question", |b| {
        b.iter(|| silkgraph::syntax::parse(std::hint::black_box(QUESTION)).expect("parses"))
    });
    let bundled = Session::new(silkgraph::graphs::default_graph().expect("bundled graph"));
    c.bench_function("parse + check + plan: an analyst's question", |b| {
        b.iter(|| bundled.prepare(std::hint::black_box(QUESTION)).expect("plans"))
    });
    let mut s = Session::new(graph(20_000));
    c.bench_function("expand: two hops from 20,000 nodes (500,000 paths)", |b| {
        b.iter(|| run(&mut s, "MATCH (a:P)-[:R]->(:P)-[:R]->(c:P) RETURN count(*)"))
    });
    c.bench_function("aggregate: group 20,000 nodes into 100 groups", |b| {
        b.iter(|| run(&mut s, "MATCH (p:P) RETURN p.g AS g, count(*) AS n, sum(p.x) AS total"))
    });
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(engine);
