//! Whole statements (parse, check, plan, run) against a small graph, with tight limits: any text
//! must give rows or an error, never a panic, a hang or unbounded memory.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::store::Graph;

const GRAPH: &str = "CREATE (a:Person {name: 'Ann', age: 41, tags: ['x', 'y']}), \
     (b:Person {name: 'Bob', age: 35}), (c:City {name: 'Bishkek', pop: 1.1e6}), \
     (d:Country {name: 'Japan'}), \
     (a)-[:KNOWS {since: 2001}]->(b), (b)-[:KNOWS]->(a), (a)-[:LIVES_IN]->(c), \
     (b)-[:VISITED {year: 2004, quote: 'went'}]->(d), (c)-[:IN]->(d), (a)-[:VISITED {year: 2013}]->(d)";

fn graph() -> &'static Graph {
    static G: OnceLock<Graph> = OnceLock::new();
    G.get_or_init(|| Session::load_script(GRAPH).expect("the fuzz graph loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut session = Session::new(graph().clone());
    session.timeout = Some(Duration::from_millis(300));
    session.control.limits = silkgraph::exec::Limits { max_rows: 10_000, max_hops: 8, max_memory: 64 << 20 };
    let mut params = Params::new();
    params.insert("p".into(), silkgraph::value::Value::Int(1));
    session.run_script(text, &params, |g, r| match r {
        Ok(o) => {
            let _ = silkgraph::output::table(g, &o.result);
            let _ = silkgraph::output::result_json(g, &o.result, o.time_ms);
        }
        Err(e) => {
            let _ = silkgraph::error::render(&e, text);
        }
    });
});
