//! The planner takes the functions of a statement's calls from its semantic analysis and never
//! checks a call again: every place a call can be written is analysed, so each statement here
//! plans and runs, and an unknown function or a wrong number of arguments in any of them is
//! refused by the analysis, with its place.

use silkgraph::error::Detail;
use silkgraph::exec::Params;
use silkgraph::session::Session;

/// Statements with a function call in every clause and expression that can hold one.
const CALLS_EVERYWHERE: &[&str] = &[
    "UNWIND range(1, toInteger('3')) AS i CREATE (:A {v: toString(i), w: abs(-i)})",
    "MATCH (a:A {v: toString(1)}) WHERE size(a.v) > 0 SET a.x = toUpper(a.v), a += {y: sign(1)} REMOVE a.w
     RETURN a.x ORDER BY toLower(a.x) SKIP toInteger('0') LIMIT abs(-5)",
    "MATCH (a:A) WITH a ORDER BY toInteger(a.v) DESC LIMIT toInteger(2) RETURN collect(toString(a.v)) AS vs",
    "MATCH (a:A) RETURN toString(a.v) AS v ORDER BY toString(a.v)",
    "MERGE (b:B {k: toString(7)}) ON CREATE SET b.c = abs(-1) ON MATCH SET b.c = abs(-2) RETURN b.c",
    "FOREACH (x IN range(1, abs(-2)) | CREATE (:F {x: toString(x)}))",
    "MATCH (a:A) RETURN [x IN range(1, 2) WHERE x > abs(0) | toString(x)] AS l,
     CASE WHEN size(a.v) > 0 THEN toUpper('y') ELSE toLower('N') END AS c, a {.v, t: toString(1)} AS m,
     EXISTS { MATCH (a) WHERE size(a.v) > 0 } AS e, COUNT { MATCH (b:A) WHERE toInteger(b.v) > 0 } AS n,
     all(x IN [1] WHERE x = abs(1)) AS q, reduce(s = 0, x IN [1, 2] | s + abs(x)) AS r LIMIT 1",
    "CALL { MATCH (a:A) RETURN max(toInteger(a.v)) AS m } RETURN m + abs(-1) AS r",
    "MATCH (a:A) CALL { WITH a SET a.z = toString(a.v) } IN TRANSACTIONS OF toInteger('2') ROWS",
    "MATCH p = shortestPath((a:A)-[*..3]-(b:B)) WHERE length(p) > abs(0) RETURN size(nodes(p))",
    "CALL db.labels() YIELD label WHERE size(label) > abs(0) RETURN toLower(label) ORDER BY toLower(label)",
    "CALL db.search(toString('A'), abs(-3)) YIELD node RETURN count(node)",
    "MATCH (a:F) WITH collect(a) AS fs DETACH DELETE head(fs)",
    "MATCH (a:A) WHERE (a)-[]-(:B {k: toString(7)}) OR a.v = toString(2) RETURN count(*)",
    "WITH date('2024-01-02') AS d RETURN d.year + abs(-1) AS y, duration.between(d, date('2024-02-01')) AS t",
];

#[test]
fn a_call_anywhere_in_a_statement_is_analysed_for_the_planner() {
    let mut s = Session::default();
    for q in CALLS_EVERYWHERE {
        if let Err(e) = s.run_statement(q, &Params::new()) {
            panic!("{q}: {e}");
        }
    }
}

#[test]
fn an_unknown_function_or_a_wrong_count_anywhere_is_refused_where_it_is_written() {
    let s = Session::default();
    for q in CALLS_EVERYWHERE {
        for (from, to, detail) in [
            ("toString(", "noSuchFunction(", Detail::UnknownFunction),
            ("abs(", "abs(1, ", Detail::InvalidNumberOfArguments),
        ] {
            let Some(at) = q.find(from) else { continue };
            let bad = q.replacen(from, to, 1);
            let e = match s.prepare(&bad) {
                Err(e) => e,
                Ok(_) => panic!("planned: {bad}"),
            };
            assert_eq!(e.detail, detail, "{bad}: {e}");
            assert_eq!(e.span.map(|sp| sp.start), Some(at), "{bad}: {e}");
        }
    }
}
