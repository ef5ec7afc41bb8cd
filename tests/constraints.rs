//! Constraints (issue "The Cypher users bring"): made, shown, dropped and enforced on every
//! write, kept by a database through its log (a writer killed with SIGKILL) and its snapshot,
//! and enforced the same way on a server's shared graph. The manual's examples of each rule
//! are in `tests/manual/constraints.json`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use neo4rs::query;
use silkgraph::exec::Params;
use silkgraph::session::Session;
use silkgraph::value::Value;

use crate::server::Server;

fn run(s: &mut Session, q: &str) -> Vec<Vec<Value>> {
    s.run_statement(q, &Params::new()).unwrap_or_else(|e| panic!("{q}: {e}")).result.rows
}

fn detail(s: &mut Session, q: &str) -> String {
    match s.run_statement(q, &Params::new()) {
        Ok(o) => panic!("{q} gave {:?}", o.result.rows),
        Err(e) => format!("{}: {}", e.detail, e.message),
    }
}

#[test]
fn every_rule_is_kept_by_every_kind_of_write() {
    let mut s = Session::default();
    run(&mut s, "CREATE CONSTRAINT isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE");
    run(&mut s, "CREATE CONSTRAINT FOR (a:Author) REQUIRE (a.first, a.last) IS NODE KEY");
    run(&mut s, "CREATE CONSTRAINT year FOR ()-[w:WROTE]-() REQUIRE w.year IS :: INTEGER");
    run(&mut s, "CREATE (:Book {isbn: 1}), (:Author {first: 'E', last: 'B'})");
    for (q, want) in [
        ("CREATE (:Book {isbn: 1})", "ConstraintValidationFailed: node"),
        ("CREATE (:Other {isbn: 1}) WITH 1 AS x MATCH (o:Other) SET o:Book", "same isbn"),
        ("MATCH (a:Author) REMOVE a.first", "must have the property `first`"),
        ("MERGE (a:Author {first: 'E', last: 'B', x: 1})", "same first, last"),
        ("MATCH (a:Author) CREATE (a)-[:WROTE {year: '1847'}]->(:Book {isbn: 2})", "requires INTEGER"),
        ("UNWIND [3, 4, 3] AS i CREATE (:Book {isbn: i})", "same isbn (3)"),
        ("FOREACH (i IN [5, 5] | CREATE (:Book {isbn: i}))", "same isbn (5)"),
        ("CREATE CONSTRAINT isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE", "EquivalentSchemaRuleAlreadyExists"),
        ("CREATE CONSTRAINT other FOR (b:Book) REQUIRE b.isbn IS UNIQUE", "ConstraintAlreadyExists"),
        ("DROP CONSTRAINT nope", "ConstraintNotFound"),
    ] {
        let got = detail(&mut s, q);
        assert!(got.contains(want), "{q}: {got}");
    }
    // Nothing of the refused statements is left; a write that keeps the rules goes through.
    assert_eq!(run(&mut s, "MATCH (n) RETURN count(n)"), vec![vec![Value::Int(2)]]);
    run(&mut s, "MATCH (a:Author) CREATE (a)-[:WROTE {year: 1847}]->(:Book {isbn: 2})");
    // IN TRANSACTIONS: the batch that breaks a rule is the one rolled back.
    let rows = run(
        &mut s,
        "UNWIND [10, 11, 10, 12] AS i CALL (i) { CREATE (:Book {isbn: i}) } IN TRANSACTIONS OF 2 ROWS \
         ON ERROR CONTINUE REPORT STATUS AS st RETURN i, st.committed",
    );
    let committed: Vec<bool> = rows.iter().map(|r| r[1] == Value::Bool(true)).collect();
    assert_eq!(committed, [true, true, false, false]);
    let shown = run(&mut s, "SHOW CONSTRAINTS");
    let names: Vec<&Value> = shown.iter().map(|r| &r[1]).collect();
    assert_eq!(names, [&Value::str("constraint_author_first_last_key"), &Value::str("isbn"), &Value::str("year")]);
    run(&mut s, "DROP CONSTRAINT isbn");
    run(&mut s, "CREATE (:Book {isbn: 1})");
    // Made on a graph that already breaks it: refused, and not made.
    assert!(
        detail(&mut s, "CREATE CONSTRAINT FOR (b:Book) REQUIRE b.isbn IS UNIQUE").contains("ConstraintCreationFailed")
    );
    assert_eq!(run(&mut s, "SHOW CONSTRAINTS").len(), 2);
}

#[test]
fn a_database_keeps_its_constraints_through_a_kill_and_a_checkpoint() {
    let dir = std::env::temp_dir().join(format!("silkgraph-constraints-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("g.sg");
    let bin = env!("CARGO_BIN_EXE_silkgraph");
    let mut child = Command::new(bin)
        .args(["--graph", db.to_str().unwrap(), "--format", "jsonl", "run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A long statement last, so that the kill lands before the writer closes (and checkpoints).
    let script = "CREATE CONSTRAINT isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE;\nCREATE (:Book {isbn: 1});\n\
                  UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN x;\n";
    stdin.write_all(script.as_bytes()).unwrap();
    drop(stdin);
    // Each line is printed once its commit is durable: then the writer is killed, unclosed.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..2 {
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        assert!(line.contains("columns"), "{line}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let query = |q: &str| {
        let o =
            Command::new(bin).args(["--graph", db.to_str().unwrap(), "query", "--format", "csv", q]).output().unwrap();
        (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
    };
    // Replayed from the log, then (after the reopen closes) from the snapshot.
    for _ in 0..2 {
        let (_, err) = query("CREATE (:Book {isbn: 1})");
        assert!(err.contains("ConstraintValidationFailed"), "{err}");
        let (shown, _) = query("SHOW CONSTRAINTS");
        assert!(shown.contains("isbn"), "{shown}");
    }
    let (dropped, err) = query("DROP CONSTRAINT isbn; CREATE (:Book {isbn: 1}); MATCH (b:Book) RETURN count(b) AS n");
    assert!(dropped.trim_end().ends_with('2'), "{dropped} {err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_servers_clients_share_the_rules() {
    let server = Server::start(&["--empty"]);
    let g = server.graph("", "");
    crate::server::rt().block_on(async {
        g.run(query("CREATE CONSTRAINT isbn FOR (b:Book) REQUIRE b.isbn IS UNIQUE")).await.unwrap();
        g.run(query("CREATE (:Book {isbn: 1})")).await.unwrap();
        // (In transactions: neo4rs retries a failed auto-commit statement for a minute.)
        let mut tx = g.start_txn().await.unwrap();
        let e = tx.run(query("CREATE (:Book {isbn: 1})")).await.unwrap_err().to_string();
        assert!(e.contains("ConstraintValidationFailed"), "{e}");
        let _ = tx.rollback().await;
        let mut tx = g.start_txn().await.unwrap();
        tx.run(query("CREATE (:Book {isbn: 2})")).await.unwrap();
        assert!(tx.run(query("CREATE (:Book {isbn: 2})")).await.is_err());
        let _ = tx.rollback().await;
        let mut rows = g.execute(query("MATCH (b:Book) RETURN count(b) AS n")).await.unwrap();
        assert_eq!(rows.next().await.unwrap().unwrap().get::<i64>("n").unwrap(), 1);
    });
    drop(g);
    server.stop();
}
