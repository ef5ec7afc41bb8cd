//! The Neo4j 5 clauses analysts' queries contain (issue "The Cypher users bring"): `CALL`
//! subqueries and `IN TRANSACTIONS`, `EXISTS`/`COUNT`/`COLLECT`, `FOREACH` and `LOAD CSV`, with
//! their errors. The rows they give are in `tests/golden/subqueries.cypher`.

use std::path::PathBuf;
use std::process::Command;

use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::value::Value;

fn run(s: &mut Session, q: &str) -> Vec<Vec<Value>> {
    s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows
}

fn fails(s: &mut Session, q: &str) -> silkgraph::error::Error {
    match s.run_statement(q, &Params::new()) {
        Ok(o) => panic!("{q} gave {:?}", o.result.rows),
        Err(e) => e,
    }
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("silkgraph-sub-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn subqueries_are_refused_where_neo4j_refuses_them() {
    let mut s = Session::default();
    run(&mut s, "CREATE (:P {name: 'a'})-[:R]->(:P {name: 'b'})");
    let cases = [
        ("MATCH (p:P) CALL (p) { RETURN p } RETURN p", "VariableAlreadyBound", "already bound outside"),
        ("UNWIND [1] AS x CALL { RETURN x AS y } RETURN y", "UndefinedVariable", "`x`"),
        ("UNWIND [1] AS x CALL (z) { RETURN 1 AS y } RETURN y", "UndefinedVariable", "`z`"),
        ("MATCH (p:P) RETURN COLLECT { MATCH (p)-->(x) RETURN x.name, x.age } AS xs", "", "exactly one column"),
        ("MATCH (p:P) RETURN COLLECT { MATCH (p)-->(x) } AS xs", "", "must end with RETURN"),
        ("MATCH (p:P) WHERE EXISTS { CREATE (:X) } RETURN p", "", "cannot change the graph"),
        ("MATCH (p:P) RETURN COUNT { MATCH (p)-->(x) SET x.k = 1 } AS c", "", "cannot change the graph"),
        ("CALL { RETURN 1 AS a UNION RETURN 2 AS b } RETURN a", "DifferentColumnsInUnion", "same column"),
        (
            "UNWIND [1] AS x CALL (x) { CALL (x) { CREATE (:N) } IN TRANSACTIONS } RETURN 1 AS one",
            "",
            "cannot be nested",
        ),
        ("UNWIND [1] AS x CALL (x) { CREATE (:N) } IN TRANSACTIONS OF 0 ROWS", "InvalidArgumentValue", "positive"),
        ("FOREACH (x IN 5 | CREATE (:N))", "InvalidArgumentType", "FOREACH expects a list"),
        ("FOREACH (x IN [1] | CREATE (n:N)) RETURN n", "UndefinedVariable", "`n`"),
        ("LOAD CSV FROM 'a.csv' AS row FIELDTERMINATOR ';;' RETURN row", "InvalidArgumentValue", "one character"),
    ];
    for (q, detail, words) in cases {
        let e = fails(&mut s, q);
        assert!(e.message.contains(words), "{q}: {}", e.message);
        if !detail.is_empty() {
            assert_eq!(e.detail, detail, "{q}: {}", e.message);
        }
    }
    // Nothing of the failed writes is left.
    assert_eq!(run(&mut s, "MATCH (n) RETURN count(n)"), vec![vec![Value::Int(2)]]);
}

#[test]
fn in_transactions_runs_only_in_a_transaction_of_its_own() {
    let mut s = Session::default();
    s.begin().unwrap();
    let e = fails(&mut s, "UNWIND [1, 2] AS x CALL (x) { CREATE (:N {x: x}) } IN TRANSACTIONS");
    assert!(e.message.contains("transaction of its own"), "{}", e.message);
    s.rollback().unwrap();
    run(&mut s, "UNWIND range(1, 2500) AS x CALL (x) { CREATE (:N {x: x}) } IN TRANSACTIONS");
    assert_eq!(
        run(&mut s, "MATCH (n:N) RETURN count(n), sum(n.x)"),
        vec![vec![Value::Int(2500), Value::Int(3_126_250)]]
    );
}

#[test]
fn batches_written_in_transactions_are_kept_by_a_database() {
    let dir = scratch("batches");
    let db = dir.join("g.sg");
    let bin = env!("CARGO_BIN_EXE_silkgraph");
    let write = "UNWIND range(1, 10) AS x CALL (x) { CREATE (:N {x: 10 / (x - 5)}) } \
                 IN TRANSACTIONS OF 3 ROWS ON ERROR CONTINUE REPORT STATUS AS s \
                 RETURN count(CASE WHEN s.committed THEN 1 END) AS ok";
    let out =
        Command::new(bin).args(["--graph", db.to_str().unwrap(), "query", "--format", "csv", write]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Rows 4..6 (x = 5 divides by zero) are the failed batch: 7 rows committed.
    assert!(String::from_utf8_lossy(&out.stdout).contains('7'), "{}", String::from_utf8_lossy(&out.stdout));
    let read = Command::new(bin)
        .args(["--graph", db.to_str().unwrap(), "query", "--format", "csv", "MATCH (n:N) RETURN count(n) AS n"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&read.stdout).lines().last(), Some("7"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn batches_committed_before_a_kill_or_a_failure_stay() {
    let dir = scratch("kill-batches");
    let db = dir.join("g.sg");
    let bin = env!("CARGO_BIN_EXE_silkgraph");
    let count = || {
        let o = Command::new(bin)
            .args(["--graph", db.to_str().unwrap(), "query", "--format", "csv", "MATCH (n:N) RETURN count(n) AS n"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).lines().last().unwrap_or("").parse::<u64>().unwrap()
    };
    // A long batched write killed with SIGKILL: every batch it finished is there, whole.
    let mut child = Command::new(bin)
        .args(["--graph", db.to_str().unwrap(), "query"])
        .arg("UNWIND range(1, 100000000) AS x CALL (x) { CREATE (:N {x: x}) } IN TRANSACTIONS OF 1000 ROWS")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    child.kill().unwrap();
    child.wait().unwrap();
    let kept = count();
    assert!(kept > 0 && kept % 1000 == 0, "{kept} nodes kept");
    // A batch that fails stops the statement (ON ERROR FAIL); the batches before it stay.
    let o = Command::new(bin)
        .args(["--graph", db.to_str().unwrap(), "query"])
        .arg("MATCH (n:N) DETACH DELETE n")
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = Command::new(bin)
        .args(["--graph", db.to_str().unwrap(), "query"])
        .arg("UNWIND range(1, 10) AS x CALL (x) { CREATE (:N {x: 1 / (x - 7)}) } IN TRANSACTIONS OF 3 ROWS")
        .output()
        .unwrap();
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("division by zero"));
    assert_eq!(count(), 6, "the two batches before the failing one");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn foreach_nests_and_sees_the_row() {
    let mut s = Session::default();
    run(
        &mut s,
        "CREATE (a:P {name: 'a'}) FOREACH (i IN range(1, 3) | CREATE (a)-[:HAS]->(:C {i: i}) \
         FOREACH (j IN range(1, i) | MERGE (:J {j: j})))",
    );
    assert_eq!(
        run(&mut s, "MATCH (:P)-[:HAS]->(c) RETURN count(c), sum(c.i)"),
        vec![vec![Value::Int(3), Value::Int(6)]]
    );
    assert_eq!(run(&mut s, "MATCH (j:J) RETURN count(j)"), vec![vec![Value::Int(3)]]);
    // A null list does nothing; the rows pass on unchanged.
    assert_eq!(run(&mut s, "MATCH (p:P) FOREACH (x IN null | SET p.x = x) RETURN p.name"), vec![vec![Value::str("a")]]);
}

#[test]
fn load_csv_reads_only_the_import_directory_and_says_where_a_file_is_bad() {
    let dir = scratch("csv");
    std::fs::write(dir.join("people.csv"), "name,age\nAlice,30\nBob,\n\"Carol, Jr\",41\n").unwrap();
    std::fs::write(dir.join("bad.csv"), b"name\nok\n\xff\xfe\n").unwrap();
    std::fs::write(dir.parent().unwrap().join("silkgraph-sub-outside.csv"), "x\n").unwrap();
    let mut s = Session::default();
    // Without an import directory no file is read.
    let e = fails(&mut s, "LOAD CSV FROM 'file:///people.csv' AS row RETURN row");
    assert_eq!(e.detail, "ExternalResourceFailed");
    s.control.import_dir = Some(dir.as_path().into());
    assert_eq!(
        run(&mut s, "LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS r RETURN r.name, toInteger(r.age)"),
        vec![
            vec![Value::str("Alice"), Value::Int(30)],
            vec![Value::str("Bob"), Value::Null],
            vec![Value::str("Carol, Jr"), Value::Int(41)],
        ]
    );
    // Loaded rows create nodes (streamed into the write a chunk at a time).
    run(&mut s, "LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS r CREATE (:Person {name: r.name})");
    assert_eq!(run(&mut s, "MATCH (p:Person) RETURN count(p)"), vec![vec![Value::Int(3)]]);
    let e = fails(&mut s, "LOAD CSV FROM 'file:///../silkgraph-sub-outside.csv' AS row RETURN row");
    assert!(e.message.contains("outside the import directory"), "{}", e.message);
    let e = fails(&mut s, "LOAD CSV FROM 'file:///bad.csv' AS row RETURN row");
    assert!(e.message.contains("bad.csv, line 3, field 1") && e.message.contains("UTF-8"), "{}", e.message);
    let e = fails(&mut s, "LOAD CSV FROM 'https://example.com/x.csv' AS row RETURN row");
    assert!(e.message.contains("https://"), "{}", e.message);
    let e = fails(&mut s, "LOAD CSV FROM 'file:///missing.csv' AS row RETURN row");
    assert!(e.message.contains("no file 'missing.csv'"), "{}", e.message);
    std::fs::remove_dir_all(&dir).unwrap();
    let _ = std::fs::remove_file(std::env::temp_dir().join("silkgraph-sub-outside.csv"));
}

#[test]
fn a_dynamic_property_key_must_be_a_string_and_nothing_is_half_set() {
    let mut s = Session::default();
    run(&mut s, "CREATE (:P {k: 'a'}), (:P {k: 1})");
    // The second node's key is an integer: the statement fails whole.
    let e = fails(&mut s, "MATCH (p:P) SET p[p.k] = true");
    assert_eq!(e.detail, "InvalidArgumentType", "{}", e.message);
    assert!(e.message.contains("dynamic property key must be a string"), "{}", e.message);
    assert_eq!(run(&mut s, "MATCH (p:P) WHERE p.a IS NOT NULL RETURN count(p)"), vec![vec![Value::Int(0)]]);
    let e = fails(&mut s, "MATCH (p:P {k: 'a'}) SET p[p.k] = {nested: 1}");
    assert!(e.message.contains("Map cannot be stored"), "{}", e.message);
    run(&mut s, "MATCH (p:P {k: 'a'}) SET p[p.k] = [1, 2]");
    assert_eq!(
        run(&mut s, "MATCH (p:P {k: 'a'}) RETURN p.a"),
        vec![vec![Value::list(vec![Value::Int(1), Value::Int(2)])]]
    );
}
