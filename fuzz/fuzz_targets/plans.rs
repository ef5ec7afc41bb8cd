//! The planner's optimisations change how a statement runs, never what it returns: any text is
//! run twice on copies of a small graph with an index, once with every optimisation and once
//! with none (`Passes::NONE`), and when both succeed their rows must be the same (in any order,
//! floats to rounding). Texts whose rows may rightly differ between two plans (`LIMIT`, `SKIP`,
//! `collect` order, random numbers, the clock, one of several shortest paths) are skipped.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use silkgraph::exec::Params;
use silkgraph::plan::Passes;
use silkgraph::session::Session;
use silkgraph::store::Graph;
use silkgraph::value::Value;

const GRAPH: &str = "CREATE (a:Person {name: 'Ann', age: 41, tags: ['x', 'y']}), \
     (b:Person {name: 'Bob', age: 35}), (c:City {name: 'Bishkek', pop: 1.1e6}), \
     (d:Country {name: 'Japan'}), (e:Person {name: 'Eve', age: 35.0}), (a)-[:KNOWS {since: 2001}]->(b), \
     (b)-[:KNOWS]->(a), (a)-[:LIVES_IN]->(c), (e)-[:KNOWS {since: 2020}]->(e), \
     (b)-[:VISITED {year: 2004, quote: 'went'}]->(d), (c)-[:IN]->(d), (a)-[:VISITED {year: 2013}]->(d); \
     CREATE INDEX FOR (p:Person) ON (p.age)";

const UNSTABLE: [&str; 9] = ["limit", "skip", "collect", "rand", "stamp", "date", "time", "shortest", "transaction"];

fn graph() -> &'static Graph {
    static G: OnceLock<Graph> = OnceLock::new();
    G.get_or_init(|| Session::load_script(GRAPH).expect("the fuzz graph loads"))
}

fn session(passes: Passes) -> Session {
    let mut s = Session::new(graph().clone());
    s.timeout = Some(Duration::from_millis(300));
    s.control.limits = silkgraph::exec::Limits { max_rows: 10_000, max_hops: 6, max_memory: 64 << 20 };
    s.passes = passes;
    s
}

/// Equal, floats to a relative 1e-9 (a sum's rounding depends on the order it adds in).
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x == y || (x - y).abs() <= 1e-9 * x.abs().max(y.abs()) || (x.is_nan() && y.is_nan()),
        (Value::List(xs), Value::List(ys)) => xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| close(x, y)),
        _ => a.order(b) == std::cmp::Ordering::Equal,
    }
}

fn rows(s: &mut Session, text: &str) -> Option<Vec<Vec<Value>>> {
    let mut rows = s.run_statement(text, &Params::new()).ok()?.result.rows;
    rows.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    Some(rows)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lower = text.to_lowercase();
    if UNSTABLE.iter().any(|w| lower.contains(w)) {
        return;
    }
    let (Some(fast), Some(plain)) = (rows(&mut session(Passes::ALL), text), rows(&mut session(Passes::NONE), text))
    else {
        return;
    };
    let same = fast.len() == plain.len()
        && fast.iter().zip(&plain).all(|(a, b)| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(x, y)));
    assert!(same, "{text}\noptimised: {fast:?}\nplain: {plain:?}");
});
