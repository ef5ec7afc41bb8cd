//! The planner takes the functions of a statement's calls from its semantic analysis and never
//! checks a call again: every place a call can be written is analysed, so each statement here
//! plans and runs, and an unknown function or a wrong number of arguments in any of them is
//! refused by the analysis, with its place. The rules of grouping (what an item next to an
//! aggregate may read, what an aggregate may take) are the analysis's too.

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

/// The rules of grouping are the analysis's: it refuses a statement that breaks one before any
/// plan is made, with the rule's detail, and what it accepts plans and runs.
#[test]
fn the_analysis_refuses_what_breaks_the_rules_of_grouping() {
    let refused = [
        ("MATCH (a) RETURN a.x + 1 AS k, a.x + 1 + count(*) AS n", Detail::AmbiguousAggregationExpression),
        ("MATCH (a) RETURN a.x + count(*) AS n", Detail::AmbiguousAggregationExpression),
        ("MATCH (a), (b) RETURN a, [x IN [1] | x + b.y] + count(*) AS n", Detail::AmbiguousAggregationExpression),
        (
            "MATCH (a) RETURN reduce(s = 0, x IN [1] | s + x + a.y) + count(*) AS t",
            Detail::AmbiguousAggregationExpression,
        ),
        (
            "MATCH (a) RETURN a.x + 1 AS k, count(*) AS n ORDER BY a.x + 1 + count(*)",
            Detail::AmbiguousAggregationExpression,
        ),
        ("MATCH (a) RETURN a.x AS k, count(*) AS n ORDER BY a.y + count(*)", Detail::UndefinedVariable),
        ("MATCH (a) RETURN count(rand()) AS n", Detail::NonConstantExpression),
        ("MATCH (a) RETURN count(count(*)) AS n", Detail::NestedAggregation),
        ("MATCH (a) RETURN a ORDER BY count(*)", Detail::InvalidAggregation),
        ("MATCH (a) WHERE count(*) > 1 RETURN a", Detail::InvalidAggregation),
    ];
    for (q, detail) in refused {
        let stmt = silkgraph::syntax::parse(q).unwrap_or_else(|e| panic!("{q}: {e}")).remove(0);
        match silkgraph::semantic::analyze(&stmt) {
            Err(e) => assert_eq!(e.detail, detail, "{q}: {e}"),
            Ok(_) => panic!("analysed: {q}"),
        }
    }
    let mut s = Session::default();
    s.run_statement("UNWIND range(1, 6) AS i CREATE (:G {x: i % 2, y: i})", &Params::new()).unwrap();
    for (q, want) in [
        ("MATCH (a:G) RETURN a.x AS k, sum(a.y) + a.x AS s ORDER BY k", "[[Int(0), Int(12)], [Int(1), Int(10)]]"),
        (
            "MATCH (a:G) WITH a.x AS k, collect(a.y) AS ys RETURN k, [y IN ys | y + k][0] AS f ORDER BY k",
            "[[Int(0), Int(2)], [Int(1), Int(2)]]",
        ),
        (
            "MATCH (a:G) RETURN a.x AS k, count(*) AS n ORDER BY k + count(*) DESC",
            "[[Int(1), Int(3)], [Int(0), Int(3)]]",
        ),
        ("MATCH (a:G) RETURN reduce(t = 0, y IN collect(a.y) | t + y) AS t", "[[Int(21)]]"),
    ] {
        let rows = s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows;
        assert_eq!(format!("{rows:?}"), want, "{q}");
    }
}
