//! silkgraph's front end on another Bolt server, through the built binary: `push` copies the
//! bundled graph into a `silkgraph serve` database, `--connect` answers the analysts' questions
//! there as `query` answers them locally (evidence included), a second push changes nothing, a
//! push killed half-way and run again doubles nothing, and `neo4j://` routes reads and writes.
//! (FalkorDB, a server of another make, is in `tests/server/falkordb_push.py`, run by `.ci/run`.)

use std::process::{Command, Output};

use crate::server::Server;

fn silkgraph(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkgraph")).args(args).stdin(std::process::Stdio::null()).output().unwrap()
}

fn ok(args: &[&str]) -> Output {
    let out = silkgraph(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The rows of one statement, as `--format json` prints them (with `--connect URI` if given).
fn rows(uri: Option<&str>, q: &str) -> serde_json::Value {
    let mut args = vec![];
    if let Some(u) = uri {
        args.extend(["--connect", u]);
    }
    args.extend(["--format", "json", "query", q]);
    let out = ok(&args);
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    j[0]["rows"].clone()
}

fn database(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("silkgraph-remote-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("db.sg").to_string_lossy().to_string()
}

const QUESTIONS: [&str; 5] = [
    "MATCH (o)-[v:VISITED]->(:Country {name: 'Japan'}) WHERE v.year = 2004 RETURN o.name, v.quote, v.source",
    "MATCH (m:Ministry {name: 'Ministry of Education'})-[:SIGNED]->(x:Agreement)<-[:SIGNED]-(c:Company)-[:LOCATED_IN]->(:Country {name: 'Japan'}) RETURN c.name, x.name, x.date",
    "MATCH (o:Office)-[v:VISITED]->(:Country {name: 'Japan'}) RETURN o.name AS a, count(v) AS b ORDER BY b DESC, a",
    "MATCH (n) RETURN labels(n)[0] AS a, count(*) AS b ORDER BY b DESC, a",
    "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n, count(r.quote) AS quoted ORDER BY t",
];

fn pushed(stderr: &[u8]) -> String {
    String::from_utf8_lossy(stderr).lines().find(|l| l.starts_with("pushed ")).unwrap_or_default().to_string()
}

#[test]
fn a_pushed_graph_answers_the_analysts_questions_as_the_local_one_and_a_second_push_changes_nothing() {
    let server = Server::start_with(&["--graph", &database("push")], &["--no-auth"]);
    let uri = format!("bolt://{}", server.addr);
    let first = ok(&["push", "--to", &uri, "--batch", "40"]);
    assert!(pushed(&first.stderr).contains("109 nodes and 191 relationships created"), "{}", pushed(&first.stderr));
    for q in QUESTIONS {
        let local = rows(None, q);
        assert!(!local.as_array().unwrap().is_empty(), "{q}");
        assert_eq!(rows(Some(&uri), q), local, "{q}");
    }
    // Every analyst question of examples/, run as one script each way.
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/analyst_questions.cypher");
    let all = |connect: Option<&str>| {
        let mut args = vec![];
        if let Some(u) = connect {
            args.extend(["--connect", u]);
        }
        args.extend(["--format", "json", "run", script]);
        let out: serde_json::Value = serde_json::from_slice(&ok(&args).stdout).unwrap();
        out.as_array().unwrap().iter().map(|r| r["rows"].clone()).collect::<Vec<_>>()
    };
    let local = all(None);
    assert!(local.len() >= 40, "{} answers", local.len());
    assert_eq!(all(Some(&uri)), local);
    let second = ok(&["push", "--to", &uri]);
    assert!(pushed(&second.stderr).contains(": 0 nodes and 0 relationships created"), "{}", pushed(&second.stderr));
    assert_eq!(rows(Some(&uri), QUESTIONS[3]), rows(None, QUESTIONS[3]));
    // An export through --connect writes the server's graph (fetched within --max-fetch).
    let out = ok(&["--connect", &uri, "export", "--format", "nodelink", "-o", "-"]);
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((j["nodes"].as_array().unwrap().len(), j["links"].as_array().unwrap().len()), (109, 191));
    let refused = silkgraph(&["--connect", &uri, "--max-fetch", "100", "export", "--format", "nodelink", "-o", "-"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("109 nodes and 191 relationships: more than --max-fetch 100")
    );
    // Dates keep their type, and each node its key.
    let d = rows(Some(&uri), "MATCH (s:Source) WHERE s.date IS NOT NULL RETURN s.date, s.silkgraph_id IS NOT NULL");
    assert_eq!(d, serde_json::json!([[{"@date": "2025-12-22"}, true]]));
    server.stop();
}

#[test]
fn a_push_killed_half_way_and_run_again_completes_with_nothing_doubled() {
    let server = Server::start_with(&["--graph", &database("kill")], &["--no-auth"]);
    let uri = format!("bolt://{}", server.addr);
    let bin = env!("CARGO_BIN_EXE_silkgraph");
    let count = "MATCH (n) RETURN count(n)";
    let mut killed_part_way = false;
    for _ in 0..3 {
        let mut child = Command::new(bin)
            .args(["push", "--to", &uri, "--batch", "1"])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Killed as soon as the first nodes are there.
        let started = std::time::Instant::now();
        while rows(Some(&uri), count)[0][0].as_i64() == Some(0) && started.elapsed().as_secs() < 20 {}
        Command::new("kill").args(["-KILL", &child.id().to_string()]).status().unwrap();
        let _ = child.wait();
        let n = rows(Some(&uri), "MATCH ()-[r]->() RETURN count(r)")[0][0].as_i64().unwrap();
        killed_part_way |= n < 191;
        if killed_part_way {
            break;
        }
    }
    let again = ok(&["push", "--to", &uri]);
    assert!(pushed(&again.stderr).contains("pushed 109 nodes and 191 relationships"), "{}", pushed(&again.stderr));
    assert_eq!(rows(Some(&uri), count), rows(None, count));
    let doubled = "MATCH (n) WITH n.silkgraph_id AS k, count(*) AS c WHERE c > 1 RETURN count(*)";
    assert_eq!(rows(Some(&uri), doubled), serde_json::json!([[0]]));
    let rels = "MATCH ()-[r]->() RETURN count(r), count(DISTINCT r.silkgraph_id)";
    assert_eq!(rows(Some(&uri), rels), serde_json::json!([[191, 191]]));
    assert!(killed_part_way, "no kill landed part-way through the push (the machine was too fast or too slow)");
    server.stop();
}

#[test]
fn a_routed_connection_reads_and_writes_through_the_routing_table() {
    let server = Server::start_with(&["--graph", &database("route")], &["--no-auth"]);
    let uri = format!("neo4j://{}", server.addr);
    ok(&["--connect", &uri, "query", "CREATE (:Routed {n: 1}), (:Routed {n: 2})"]);
    assert_eq!(rows(Some(&uri), "MATCH (r:Routed) RETURN sum(r.n)"), serde_json::json!([[3]]));
    // A statement silkgraph cannot plan is sent as a write; the server's error comes back.
    let bad = silkgraph(&["--connect", &uri, "query", "RETURN 1/0"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("division by zero"));
    server.stop();
}

#[test]
fn a_script_s_transactions_run_on_the_server() {
    let server = Server::start_with(&["--graph", &database("tx")], &["--no-auth"]);
    let uri = format!("bolt://{}", server.addr);
    let script = |text: &str| {
        let dir = std::env::temp_dir().join(format!("silkgraph-remote-{}-tx.cypher", std::process::id()));
        std::fs::write(&dir, text).unwrap();
        silkgraph(&["--connect", &uri, "run", dir.to_str().unwrap()])
    };
    let count = "MATCH (t:T) RETURN count(t)";
    assert!(script(
        ":begin
CREATE (:T);
CREATE (:T);
:rollback
"
    )
    .status
    .success());
    assert_eq!(rows(Some(&uri), count), serde_json::json!([[0]]));
    assert!(script(
        ":begin
CREATE (:T);
CREATE (:T);
:commit
"
    )
    .status
    .success());
    assert_eq!(rows(Some(&uri), count), serde_json::json!([[2]]));
    // A statement that fails inside a transaction ends it: nothing of it is kept.
    let failed = script(
        ":begin
CREATE (:T);
RETURN 1 / 0;
:commit
",
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("the transaction was rolled back"));
    assert_eq!(rows(Some(&uri), count), serde_json::json!([[2]]));
    // Left open at the end: rolled back, with a warning.
    let open = script(
        ":begin
CREATE (:T);
",
    );
    assert!(String::from_utf8_lossy(&open.stderr).contains("rolled back"));
    assert_eq!(rows(Some(&uri), count), serde_json::json!([[2]]));
    server.stop();
}

#[test]
fn a_bad_uri_or_an_unreachable_server_is_a_clear_error() {
    let cases = [
        ("localhost:7687", "not a server URI"),
        ("http://localhost:7474", "not a Bolt scheme"),
        ("bolt://neo4j:secret@localhost", "do not go in the URI"),
        ("bolt://127.0.0.1:1", "cannot connect"),
    ];
    for (uri, says) in cases {
        let out = silkgraph(&["--connect", uri, "query", "RETURN 1"]);
        assert_eq!(out.status.code(), Some(1), "{uri}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{uri}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = silkgraph(&["--connect", "bolt://127.0.0.1:1", "--graph", "karate", "query", "RETURN 1"]);
    assert_eq!(out.status.code(), Some(2));
}
