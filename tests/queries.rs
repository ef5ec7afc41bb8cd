//! Engine behaviour through the library API: rollback of failed statements, and results that
//! must agree with openCypher semantics in cases the TCK's clause scenarios do not pin down.

use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::value::Value;

fn run(s: &mut Session, q: &str) -> Vec<Vec<Value>> {
    s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows
}

#[test]
fn a_failed_statement_changes_nothing() {
    let mut s = Session::default();
    run(&mut s, "CREATE (:A {x: 1})-[:R]->(:B)");
    let err = s.run_statement("MATCH (a:A) SET a.x = 2 CREATE (:C) WITH a RETURN 1 / 0", &Params::new());
    assert!(err.is_err());
    assert_eq!(run(&mut s, "MATCH (a:A) RETURN a.x"), vec![vec![Value::Int(1)]]);
    assert_eq!(run(&mut s, "MATCH (n) RETURN count(n)"), vec![vec![Value::Int(2)]]);
    assert!(s.run_statement("MATCH (a:A) DELETE a", &Params::new()).is_err());
    assert_eq!(run(&mut s, "MATCH ()-[r]->() RETURN count(r)"), vec![vec![Value::Int(1)]]);
}

#[test]
fn integer_overflow_is_an_error_not_a_wrap() {
    let mut s = Session::default();
    let e = s.run_statement("RETURN 9223372036854775807 + 1", &Params::new()).unwrap_err();
    assert_eq!(e.detail, "IntegerOverflow");
}

#[test]
fn shortest_path_and_var_length() {
    let mut s = Session::default();
    run(&mut s, "CREATE (a:N {i: 1})-[:T]->(b:N {i: 2})-[:T]->(c:N {i: 3})-[:T]->(d:N {i: 4}), (a)-[:T]->(d)");
    let r = run(&mut s, "MATCH p = shortestPath((a:N {i: 1})-[*]->(d:N {i: 4})) RETURN length(p)");
    assert_eq!(r, vec![vec![Value::Int(1)]]);
    let r = run(&mut s, "MATCH (a:N {i: 1})-[*2..3]->(x) RETURN x.i ORDER BY x.i");
    assert_eq!(r, vec![vec![Value::Int(3)], vec![Value::Int(4)]]);
}
