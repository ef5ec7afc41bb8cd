//! A plan numbers the property keys and labels it reads, and a run looks each up in its graph
//! once: the answers are those of looking them up by name on every row, on any graph the plan
//! runs on, and for names the statement itself creates. `EXPLAIN` and `PROFILE` show which
//! operators are fused and which fused aggregation runs on all cores, the executor's own
//! decision.

use silkgraph::exec::{self, Control, Params};
use silkgraph::session::Session;
use silkgraph::store::Graph;
use silkgraph::value::Value;

fn run(s: &mut Session, q: &str) -> Vec<Vec<Value>> {
    s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows
}

fn lines(s: &mut Session, q: &str) -> Vec<String> {
    run(s, q)
        .into_iter()
        .map(|r| match &r[0] {
            Value::String(l) => l.to_string(),
            v => panic!("not a plan line: {v:?}"),
        })
        .collect()
}

fn int(i: i64) -> Value {
    Value::Int(i)
}

#[test]
fn a_plan_numbers_each_key_and_label_once() {
    let s = Session::default();
    let (_, plan) = s
        .prepare("MATCH (n {age: 3}) WHERE n.name = 'x' AND n:Person AND n:Person RETURN n.age, n {.name, .city}")
        .unwrap();
    assert_eq!(plan.keys, ["age", "name", "city"]);
    assert_eq!(plan.labels, ["Person"]);
}

#[test]
fn keys_the_statement_creates_are_read_in_the_same_statement() {
    let mut s = Session::default();
    let rows = run(
        &mut s,
        "CREATE (n:T {fresh: 1}) WITH n SET n.other = n.fresh + 1 SET n:Later
         WITH n MATCH (m:T) WHERE m:Later AND m.other = 2
         RETURN n.fresh, n.other, n['other'], n {.other}.other, m.other",
    );
    assert_eq!(rows, vec![vec![int(1), int(2), int(2), int(2), int(2)]]);
}

#[test]
fn a_plan_reads_the_right_keys_on_a_graph_that_numbers_them_otherwise() {
    // The same names, interned in opposite orders in the two graphs.
    let mut first = Session::default();
    run(&mut first, "CREATE (:P {a: 1, b: 2})");
    let mut second = Session::default();
    run(&mut second, "CREATE (:Q {b: 20}) CREATE (:P {a: 10, b: 30})");
    let q = "MATCH (n:P) WHERE n.a > 0 RETURN n.b, n {.a}, n:Q";
    let (_, plan) = first.prepare(q).unwrap();
    let want = run(&mut second, q);
    assert_eq!(
        want,
        vec![vec![int(30), Value::map([("a".to_string(), int(10))].into_iter().collect()), Value::Bool(false)]]
    );
    let mut g: Graph = second.graph.clone();
    let got = exec::execute(&plan, &mut g, &Params::new(), &Control::default()).unwrap().rows;
    assert_eq!(got, want);
}

#[test]
fn explain_shows_the_fused_operators_and_which_run_on_all_cores() {
    let mut s = Session::default();
    run(&mut s, "UNWIND range(1, 50) AS i CREATE (:N {i: i})-[:R]->(:M {i: i})");
    // (A count would check the filter inside the expansion: "counting matches where".)
    let plan = lines(&mut s, "EXPLAIN MATCH (a:N)-[:R]->(b) WHERE b.i > 3 RETURN collect(b.i) AS bs");
    let with =
        |text: &str| plan.iter().find(|l| l.contains(text)).unwrap_or_else(|| panic!("{text}: {plan:?}")).clone();
    assert!(with("Aggregation").ends_with("[fused 1, parallel]"), "{plan:?}");
    for op in ["Filter", "Expand", "NodeByLabelScan"] {
        assert!(with(op).ends_with("[fused 1]"), "{plan:?}");
    }
    // DISTINCT does not merge across parts: fused, on one core.
    let plan = lines(&mut s, "EXPLAIN MATCH (a:N)-[:R]->(b) RETURN count(DISTINCT b)");
    assert!(plan.iter().any(|l| l.contains("Aggregation") && l.ends_with("[fused 1]")), "{plan:?}");
    // A variable-length expansion is pulled: it and all below it are in no fused run.
    let plan = lines(&mut s, "EXPLAIN MATCH (a:N)-[:R*1..2]->(b) WITH b RETURN b.i, count(*) ORDER BY b.i");
    let var = plan.iter().position(|l| l.contains("VarLengthExpand")).expect("a variable-length expansion");
    assert!(plan[var..].iter().all(|l| !l.contains("[fused")), "{plan:?}");
    assert!(plan[..var].iter().any(|l| l.contains("[fused")), "{plan:?}");
    // PROFILE runs a parallel aggregation on one thread, so that times add up, and says so.
    let q = "PROFILE MATCH (a:N)-[:R]->(b) RETURN count(*)";
    let profile = s.run_statement(q, &Params::new()).unwrap().result.profile.expect("a profile");
    let agg = profile.iter().find_map(|r| match &r[0] {
        Value::String(l) if l.contains("Aggregation") => Some(l.to_string()),
        _ => None,
    });
    assert!(agg.is_some_and(|l| l.ends_with("[fused 1, one thread under PROFILE]")), "{profile:?}");
    assert_eq!(run(&mut s, "MATCH (a:N)-[:R]->(b) WHERE b.i > 3 RETURN count(*)"), vec![vec![int(47)]]);
}
