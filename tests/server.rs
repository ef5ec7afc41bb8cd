//! `silkgraph serve` driven by the Rust Neo4j driver, `neo4rs` (Bolt 4.4), through the built
//! binary: the README's questions give `silkgraph query`'s rows, values round-trip, transactions
//! roll back and commit durably across a restart, bad logons and malformed bytes are refused.
//! (The Python and JavaScript drivers are in `tests/server/`, run by `.ci/run`.)

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

use neo4rs::{query, ConfigBuilder, Graph};

/// A running server; stopped (SIGTERM, then waited for) when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: String,
    /// The browser's HTTP address, when started with `--http`.
    pub(crate) http: Option<String>,
}

impl Server {
    pub(crate) fn start(args: &[&str]) -> Server {
        Server::start_with(args, &[])
    }

    /// `silkgraph ARGS serve --listen 127.0.0.1:0 SERVE_ARGS` (with `--no-http` unless
    /// SERVE_ARGS give `--http`).
    pub(crate) fn start_with(args: &[&str], serve_args: &[&str]) -> Server {
        let with_http = serve_args.contains(&"--http");
        let mut child = Command::new(env!("CARGO_BIN_EXE_silkgraph"))
            .args(args)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(serve_args)
            .args(if with_http { None } else { Some("--no-http") })
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut line).unwrap();
        let uri = line.split("bolt://").nth(1).or_else(|| line.split("bolt+s://").nth(1));
        let addr = uri.and_then(|r| r.split_whitespace().next()).unwrap_or_else(|| {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            panic!("the server did not start: {line} {err}")
        });
        let http = with_http.then(|| {
            let mut l = String::new();
            out.read_line(&mut l).unwrap();
            let a = l.split("http://").nth(1).and_then(|r| r.split('/').next());
            a.unwrap_or_else(|| panic!("no browser address in {l:?}")).to_string()
        });
        Server { addr: addr.to_string(), child, http }
    }

    pub(crate) fn graph(&self, user: &str, password: &str) -> Graph {
        let config = ConfigBuilder::default()
            .uri(format!("bolt://{}", self.addr))
            .user(user)
            .password(password)
            .fetch_size(100)
            .build()
            .unwrap();
        Graph::connect(config).unwrap()
    }

    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops it as SIGTERM does; returns its standard error.
    pub(crate) fn stop(mut self) -> String {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        let status = self.child.wait().unwrap();
        let mut err = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert!(status.success(), "{status}: {err}");
        err
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// `silkgraph query --format json`'s rows of a statement on the bundled graph.
fn cli_rows(statement: &str) -> Vec<serde_json::Value> {
    let out =
        Command::new(env!("CARGO_BIN_EXE_silkgraph")).args(["query", "--format", "json", statement]).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    j[0]["rows"].as_array().unwrap().clone()
}

#[test]
fn the_readmes_questions_give_the_rows_silkgraph_query_gives() {
    let server = Server::start(&[]);
    let g = server.graph("anyone", "anything");
    let questions = [
        "MATCH (o)-[v:VISITED]->(:Country {name: 'Japan'}) WHERE v.year = 2004 RETURN o.name AS a, v.quote AS b",
        "MATCH (m:Ministry {name: 'Ministry of Education'})-[:SIGNED]->(x:Agreement)<-[:SIGNED]-(c:Company)-[:LOCATED_IN]->(:Country {name: 'Japan'}) RETURN c.name AS a, x.name AS b",
        "MATCH (o:Office)-[v:VISITED]->(:Country {name: 'Japan'}) RETURN o.name AS a, count(v) AS b ORDER BY b DESC, a",
        "MATCH (n) RETURN labels(n)[0] AS a, count(*) AS b ORDER BY b DESC, a",
    ];
    rt().block_on(async {
        for q in questions {
            let mut stream = g.execute(query(q)).await.unwrap();
            let mut got = Vec::new();
            while let Some(row) = stream.next().await.unwrap() {
                let a: Option<String> = row.get("a").unwrap();
                let b: serde_json::Value = match row.get::<i64>("b") {
                    Ok(i) => i.into(),
                    Err(_) => row.get::<Option<String>>("b").unwrap().into(),
                };
                got.push(serde_json::json!([a, b]));
            }
            assert!(!got.is_empty(), "{q}");
            assert_eq!(got, cli_rows(q), "{q}");
        }
    });
    server.stop();
}

#[test]
fn values_nodes_and_relationships_come_through() {
    let server = Server::start(&[]);
    let g = server.graph("", "");
    rt().block_on(async {
        let q = query("RETURN $i AS i, $f AS f, $s AS s, $l AS l, [1, 'x', null] AS mixed, {k: [1, 2]} AS m, date('2025-12-22') AS d")
            .param("i", i64::MIN)
            .param("f", 0.1)
            .param("s", "Кыргызстан 日本 ✓")
            .param("l", vec![1i64, 2, 3]);
        let row = g.execute(q).await.unwrap().next().await.unwrap().unwrap();
        assert_eq!(row.get::<i64>("i").unwrap(), i64::MIN);
        assert_eq!(row.get::<f64>("f").unwrap(), 0.1);
        assert_eq!(row.get::<String>("s").unwrap(), "Кыргызстан 日本 ✓");
        assert_eq!(row.get::<Vec<i64>>("l").unwrap(), vec![1, 2, 3]);
        let d: neo4rs::BoltType = row.get("d").unwrap();
        assert!(matches!(d, neo4rs::BoltType::Date(_)), "{d:?}");
        let q = "MATCH (o:Office)-[v:VISITED]->(c:Country {name: 'Japan'}) RETURN o, v, c ORDER BY v.year LIMIT 1";
        let row = g.execute(query(q)).await.unwrap().next().await.unwrap().unwrap();
        let (o, v, c): (neo4rs::Node, neo4rs::Relation, neo4rs::Node) =
            (row.get("o").unwrap(), row.get("v").unwrap(), row.get("c").unwrap());
        assert_eq!(o.labels(), vec!["Office"]);
        assert_eq!(c.get::<String>("name").unwrap(), "Japan");
        assert_eq!(v.typ(), "VISITED");
        assert_eq!((v.start_node_id(), v.end_node_id()), (o.id(), c.id()));
        assert!(v.get::<String>("quote").unwrap().len() > 20);
    });
    server.stop();
}

#[test]
fn transactions_roll_back_commit_and_outlive_a_restart() {
    let dir = std::env::temp_dir().join(format!("silkgraph-serve-tx-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("team.sg");
    let db = db.to_str().unwrap();
    let server = Server::start(&["--graph", db]);
    let g = server.graph("", "");
    rt().block_on(async {
        let mut tx = g.start_txn().await.unwrap();
        tx.run(query("CREATE (:Note {text: 'rolled back'})")).await.unwrap();
        tx.rollback().await.unwrap();
        let mut tx = g.start_txn().await.unwrap();
        tx.run(query("CREATE (:Note {text: 'kept'})")).await.unwrap();
        tx.run(query("MATCH (n:Note {text: 'kept'}) SET n.n = 1")).await.unwrap();
        tx.commit().await.unwrap();
        // A failed statement fails its transaction; the connection goes on.
        let mut tx = g.start_txn().await.unwrap();
        tx.run(query("CREATE (:Note {text: 'failed'})")).await.unwrap();
        assert!(tx.run(query("RETURN 1/0")).await.is_err());
        let _ = tx.rollback().await;
    });
    drop(g);
    let log = server.stop();
    assert!(log.contains("connection 1 from"), "{log}");
    let server = Server::start(&["--graph", db]);
    let g = server.graph("", "");
    rt().block_on(async {
        let mut s = g.execute(query("MATCH (n:Note) RETURN n.text AS t, n.n AS n")).await.unwrap();
        let row = s.next().await.unwrap().unwrap();
        assert_eq!((row.get::<String>("t").unwrap(), row.get::<i64>("n").unwrap()), ("kept".into(), 1));
        assert!(s.next().await.unwrap().is_none(), "only the committed note is there");
    });
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_users_file_lets_in_the_right_password_only() {
    let dir = std::env::temp_dir().join(format!("silkgraph-serve-auth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let users = dir.join("users");
    for (name, pw, extra) in [("ana", "right", None), ("bo", "reads", Some("--reader"))] {
        let mut add = Command::new(env!("CARGO_BIN_EXE_silkgraph"))
            .args(["user", "add", name, "--users", users.to_str().unwrap()])
            .args(extra)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        add.stdin.take().unwrap().write_all(format!("{pw}\n").as_bytes()).unwrap();
        assert!(add.wait().unwrap().success());
    }
    let server = Server::start_with(&["--empty"], &["--users", users.to_str().unwrap()]);
    rt().block_on(async {
        let ok = server.graph("ana", "right");
        ok.run(query("CREATE (:X)")).await.unwrap();
        let wrong = server.graph("ana", "wrong");
        let e = wrong.run(query("RETURN 1")).await.unwrap_err().to_string();
        assert!(e.contains("password") || e.contains("Unauthorized") || e.contains("uthenticat"), "{e}");
        let reader = server.graph("bo", "reads");
        let e = reader.run(query("CREATE (:Y)")).await.unwrap_err().to_string();
        assert!(e.contains("only read") || e.contains("AccessMode"), "{e}");
        let mut s = reader.execute(query("MATCH (x:X) RETURN count(x) AS n")).await.unwrap();
        assert_eq!(s.next().await.unwrap().unwrap().get::<i64>("n").unwrap(), 1);
    });
    let log = server.stop();
    assert!(log.contains("failed logon from 127.0.0.1") && log.contains("as `ana`"), "{log}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn listening_beyond_this_machine_needs_users_or_no_auth() {
    let out = Command::new(env!("CARGO_BIN_EXE_silkgraph")).args(["serve", "--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--no-auth"));
}

/// Raw bytes to the server: each hostile message gets a FAILURE or a closed connection, and
/// the server goes on serving.
#[test]
fn malformed_and_oversized_messages_close_only_their_connection() {
    use std::net::TcpStream;
    let server = Server::start(&[]);
    let handshake = [0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0];
    let hostile: Vec<Vec<u8>> = vec![
        b"GET / HTTP/1.1\r\n\r\n".to_vec(),
        vec![0x00, 0x03, 0xD2, 0xFF, 0xFF, 0x00, 0x00], // a string longer than its message
        vec![0x00, 0x02, 0xB1, 0x01, 0x00, 0x00],       // HELLO without its map
        vec![0x00, 0x04, 0xB1, 0x10, 0x91, 0x91, 0x00, 0x00], // a RUN that ends inside a list
        [vec![0xFF, 0xFF], vec![0x91; 0xFFFF]].concat().repeat(1100), // 70 MiB without an end
        vec![0x00, 0x01, 0xB0],                         // a client that hangs up mid-message
    ];
    for (i, bytes) in hostile.iter().enumerate() {
        let mut s = TcpStream::connect(&server.addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        if i > 0 {
            s.write_all(&handshake).unwrap();
            let mut v = [0u8; 4];
            s.read_exact(&mut v).unwrap();
            assert_eq!(v, [0, 0, 4, 5]);
        }
        let _ = s.write_all(bytes);
        let _ = s.shutdown(std::net::Shutdown::Write);
        let mut reply = Vec::new();
        let _ = s.read_to_end(&mut reply);
        if (1..5).contains(&i) {
            assert!(String::from_utf8_lossy(&reply).contains("Neo.ClientError.Request.Invalid"), "{i}: {reply:?}");
        }
    }
    // Still serving.
    rt().block_on(async {
        let g = server.graph("", "");
        let mut s = g.execute(query("RETURN 41 + 1 AS n")).await.unwrap();
        assert_eq!(s.next().await.unwrap().unwrap().get::<i64>("n").unwrap(), 42);
    });
    server.stop();
}

#[test]
fn commits_from_many_clients_survive_kills_during_background_checkpoints() {
    let dir = std::env::temp_dir().join(format!("silkgraph-serve-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("kill.sg");
    let db = db.to_str().unwrap().to_string();
    let empty = {
        Command::new(env!("CARGO_BIN_EXE_silkgraph")).args(["--graph", &db, "query", "RETURN 1"]).output().unwrap();
        std::fs::metadata(&db).unwrap().len()
    };
    let mut rng = crate::db::Rng::new();
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    for round in 0..15i64 {
        // A log of a few KiB is checkpointed in the background, so kills land during them too.
        let mut server = Server::start_with(&["--graph", &db], &["--checkpoint-after", "4KiB"]);
        let g = server.graph("", "");
        let runtime = rt();
        let clients: Vec<_> = (0..4i64)
            .map(|c| {
                let (g, acked) = (g.clone(), acked.clone());
                runtime.spawn(async move {
                    for i in 0.. {
                        let k = round * 1_000_000 + c * 100_000 + i;
                        // Two nodes in one statement: seen whole or not at all.
                        let q = query("CREATE (:W {k: $k}), (:W {k: $k})").param("k", k);
                        if g.run(q).await.is_err() {
                            break;
                        }
                        acked.lock().unwrap().push(k);
                    }
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(30 + rng.below(300)));
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        runtime.block_on(async {
            for c in clients {
                let _ = c.await;
            }
        });
    }
    assert!(
        std::fs::metadata(&db).unwrap().len() > empty,
        "a checkpoint in the background put commits in the snapshot"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_silkgraph"))
        .args(["--graph", &db, "--format", "jsonl", "query", "MATCH (w:W) RETURN w.k AS k, count(*) AS c"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut kept = std::collections::HashMap::new();
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for row in result["rows"].as_array().unwrap() {
        kept.insert(row[0].as_i64().unwrap(), row[1].as_i64().unwrap());
    }
    let acked = acked.lock().unwrap();
    assert!(acked.len() > 100, "the clients committed {} statements", acked.len());
    for k in acked.iter() {
        assert_eq!(kept.get(k), Some(&2), "acknowledged commit {k} is kept whole");
    }
    assert!(kept.values().all(|&c| c == 2), "no statement is half there");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_batched_write_on_a_server_commits_each_batch_for_readers_and_for_good() {
    let dir = std::env::temp_dir().join(format!("silkgraph-serve-batches-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("b.sg");
    let db = db.to_str().unwrap().to_string();
    let bin = env!("CARGO_BIN_EXE_silkgraph");
    let count = |label: &str| {
        let q = format!("MATCH (n:{label}) RETURN count(n) AS n");
        let o = Command::new(bin).args(["--graph", &db, "query", "--format", "csv", &q]).output().unwrap();
        String::from_utf8_lossy(&o.stdout).lines().last().unwrap_or("").parse::<i64>().unwrap()
    };
    let mut server = Server::start(&["--graph", &db]);
    let uri = format!("bolt://{}", server.addr);
    // A batch that fails ends the statement (ON ERROR FAIL); the two batches before it stay.
    let failed = Command::new(bin)
        .args(["--connect", &uri, "query"])
        .arg("UNWIND range(1, 10) AS x CALL (x) { CREATE (:F {x: 1 / (x - 7)}) } IN TRANSACTIONS OF 3 ROWS")
        .output()
        .unwrap();
    assert!(!failed.status.success(), "{}", String::from_utf8_lossy(&failed.stdout));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("division by zero"));
    // A long batched write: another client sees it grow a whole batch at a time.
    let mut writer = Command::new(bin)
        .args(["--connect", &uri, "query"])
        .arg("UNWIND range(1, 100000000) AS x CALL (x) { CREATE (:B {x: x}) } IN TRANSACTIONS OF 100 ROWS")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let g = server.graph("", "");
    let runtime = rt();
    let seen = runtime.block_on(async {
        let mut seen = Vec::new();
        for _ in 0..2000 {
            let mut rows = g.execute(query("MATCH (b:B) RETURN count(b) AS n")).await.unwrap();
            let n: i64 = rows.next().await.unwrap().unwrap().get("n").unwrap();
            seen.push(n);
            if seen.iter().filter(|&&n| n > 0).count() >= 3 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        seen
    });
    assert!(seen.iter().all(|n| n % 100 == 0), "only whole batches are seen: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    let last = *seen.last().unwrap();
    assert!(last > 0, "the batches were seen while the statement ran: {:?}", &seen[seen.len().saturating_sub(5)..]);
    // Killed mid-statement: every batch a reader saw is on disk, and only whole batches are.
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let _ = writer.wait();
    assert_eq!(count("F"), 6, "the batches before the failing one");
    let kept = count("B");
    assert!(kept >= last && kept % 100 == 0, "{kept} kept, {last} seen");
    let _ = std::fs::remove_dir_all(&dir);
}
