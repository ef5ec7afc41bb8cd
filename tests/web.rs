//! The HTTP side of `silkgraph serve` through the built binary, with plain HTTP/1.1 over TCP:
//! Neo4j's Query API answers the rows `silkgraph query` gives, errors carry Neo4j's codes,
//! authentication is asked for when a users file is given, and bad requests (malformed,
//! oversized, from another site, to another host name) get a status and a reason, never a
//! crash. (The app itself is driven in Chromium by `tests/browser/`, run by `.ci/run`.)

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use serde_json::{json, Value as J};

use crate::server::Server;

/// Sends raw bytes; returns the status and the body.
fn raw(addr: &str, bytes: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(bytes).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

/// A request with `Connection: close`.
fn request(addr: &str, method: &str, path: &str, headers: &[&str], body: &str) -> (u16, String) {
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    raw(addr, format!("{head}\r\n{body}").as_bytes())
}

fn post(addr: &str, path: &str, body: &J, auth: Option<&str>) -> (u16, J) {
    let mut headers = vec!["Content-Type: application/json".to_string()];
    if let Some(a) = auth {
        headers.push(format!("Authorization: Basic {a}"));
    }
    let hs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let (status, text) = request(addr, "POST", path, &hs, &body.to_string());
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")))
}

/// The contract's JSON (`silkgraph query --format json`) as the Query API's plain JSON.
fn plain(v: &J) -> J {
    match v {
        J::Array(xs) => J::Array(xs.iter().map(plain).collect()),
        J::Object(m) if m.len() == 1 && m.keys().next().is_some_and(|k| k.starts_with('@')) => {
            m.values().next().cloned().unwrap_or(J::Null)
        }
        J::Object(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), plain(v))).collect()),
        other => other.clone(),
    }
}

/// The analyst questions of `examples/analyst_questions.cypher`.
fn questions() -> Vec<String> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/analyst_questions.cypher")).unwrap();
    text.split("\n// Q:")
        .skip(1)
        .map(|q| q.split_once('\n').map_or("", |(_, rest)| rest).trim().trim_end_matches(';').to_string())
        .collect()
}

#[test]
fn the_query_api_answers_the_analyst_questions_as_silkgraph_query_does() {
    let server = Server::start_with(&[], &["--http", "127.0.0.1:0"]);
    let http = server.http.clone().unwrap();
    let qs = questions();
    assert!(qs.len() >= 40, "{}", qs.len());
    for q in &qs {
        let out =
            Command::new(env!("CARGO_BIN_EXE_silkgraph")).args(["query", "--format", "json", q]).output().unwrap();
        let cli: J = serde_json::from_slice(&out.stdout).unwrap();
        let (status, got) = post(&http, "/db/neo4j/query/v2", &json!({"statement": q}), None);
        assert_eq!(status, 202, "{q}: {got}");
        assert_eq!(got["data"]["fields"], cli[0]["columns"], "{q}");
        assert_eq!(got["data"]["values"], plain(&cli[0]["rows"]), "{q}");
        assert!(!got["data"]["values"].as_array().unwrap().is_empty(), "{q}");
    }
    // The database by its own name, parameters, counters, nodes with element ids.
    let (status, got) = post(
        &http,
        "/db/kyrgyz_japan/query/v2",
        &json!({"statement": "MATCH (c:Country {name: $name}) RETURN c", "parameters": {"name": "Japan"}, "includeCounters": true}),
        None,
    );
    assert_eq!(status, 202);
    let node = &got["data"]["values"][0][0];
    assert_eq!((node["labels"].clone(), node["properties"]["name"].clone()), (json!(["Country"]), json!("Japan")));
    assert!(node["elementId"].as_str().is_some_and(|e| !e.is_empty()));
    assert_eq!(got["counters"]["containsUpdates"], json!(false));
    server.stop();
}

#[test]
fn query_api_errors_carry_neo4j_codes_and_writes_commit() {
    let dir = std::env::temp_dir().join(format!("silkgraph-web-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("team.sg");
    let server = Server::start_with(&["--graph", db.to_str().unwrap()], &["--http", "127.0.0.1:0"]);
    let http = server.http.clone().unwrap();
    let cases = [
        (json!({"statement": "MATCH (n:Person RETURN n"}), 400, "Neo.ClientError.Statement.SyntaxError"),
        (json!({"statement": "RETURN $missing"}), 400, "Neo.ClientError.Statement.ParameterMissing"),
        (json!({"statement": "UNWIND ['a'] AS s RETURN s * 2"}), 400, "Neo.ClientError.Statement.TypeError"),
        (json!({"statements": "RETURN 1"}), 400, "Neo.ClientError.Request.Invalid"),
        (json!({"statement": "RETURN 1", "parameters": [1]}), 400, "Neo.ClientError.Request.Invalid"),
        (json!({"statement": "CREATE (:X)", "accessMode": "READ"}), 400, "Neo.ClientError.Statement.AccessMode"),
    ];
    for (body, status, code) in cases {
        let (s, got) = post(&http, "/db/neo4j/query/v2", &body, None);
        assert_eq!((s, got["errors"][0]["code"].as_str()), (status, Some(code)), "{body}: {got}");
        assert!(!got["errors"][0]["message"].as_str().unwrap().is_empty());
    }
    let (s, got) = post(&http, "/db/nowhere/query/v2", &json!({"statement": "RETURN 1"}), None);
    assert_eq!((s, got["errors"][0]["code"].as_str()), (404, Some("Neo.ClientError.Database.DatabaseNotFound")));
    let w = json!({"statement": "CREATE (p:Person {name: $n}) RETURN p.name", "parameters": {"n": "Ainura"}, "includeCounters": true});
    let (s, got) = post(&http, "/db/neo4j/query/v2", &w, None);
    assert_eq!((s, got["counters"]["nodesCreated"].clone()), (202, json!(1)), "{got}");
    server.stop();
    // The write was committed: it is there after a restart.
    let server = Server::start_with(&["--graph", db.to_str().unwrap()], &["--http", "127.0.0.1:0"]);
    let http = server.http.clone().unwrap();
    let (_, got) = post(&http, "/db/neo4j/query/v2", &json!({"statement": "MATCH (p:Person) RETURN p.name"}), None);
    assert_eq!(got["data"]["values"], json!([["Ainura"]]));
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn with_a_users_file_every_request_needs_a_password() {
    let dir = std::env::temp_dir().join(format!("silkgraph-web-users-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let users = dir.join("users");
    let _ = std::fs::remove_file(&users);
    for (name, pw, reader) in [("ana", "s3cret", false), ("rea", "r3ad", true)] {
        let mut c = Command::new(env!("CARGO_BIN_EXE_silkgraph"));
        c.args(["user", "add", name, "--users", users.to_str().unwrap()]);
        if reader {
            c.arg("--reader");
        }
        let mut child = c.stdin(std::process::Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(format!("{pw}\n").as_bytes()).unwrap();
        assert!(child.wait().unwrap().success());
    }
    let server = Server::start_with(&["--empty"], &["--http", "127.0.0.1:0", "--users", users.to_str().unwrap()]);
    let http = server.http.clone().unwrap();
    let q = json!({"statement": "RETURN 1 AS one"});
    let (s, got) = post(&http, "/db/neo4j/query/v2", &q, None);
    assert_eq!((s, got["errors"][0]["code"].as_str()), (401, Some("Neo.ClientError.Security.Unauthorized")));
    let wrong = base64_of("ana:nope");
    let (s, _) = post(&http, "/db/neo4j/query/v2", &q, Some(&wrong));
    assert_eq!(s, 401);
    let right = base64_of("ana:s3cret");
    let (s, got) = post(&http, "/db/neo4j/query/v2", &q, Some(&right));
    assert_eq!((s, got["data"]["values"].clone()), (202, json!([[1]])));
    // The page asks the browser for a password; the app's API refuses without one.
    let (s, _) = request(&http, "GET", "/", &[], "");
    assert_eq!(s, 401);
    let (s, _) = post(&http, "/api/run", &json!({"text": "RETURN 1"}), None);
    assert_eq!(s, 401);
    // A reader may not write.
    let reader = base64_of("rea:r3ad");
    let (s, got) = post(&http, "/db/neo4j/query/v2", &json!({"statement": "CREATE (:X)"}), Some(&reader));
    assert_eq!((s, got["errors"][0]["code"].as_str()), (400, Some("Neo.ClientError.Statement.AccessMode")), "{got}");
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

fn base64_of(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn bad_requests_get_a_status_and_a_reason_and_the_server_lives_on() {
    let server = Server::start_with(&[], &["--http", "127.0.0.1:0"]);
    let http = server.http.clone().unwrap();
    let cases: Vec<(Vec<u8>, u16)> = vec![
        (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03 not http at all\r\n\r\n".to_vec(), 400),
        (format!("POST /db/neo4j/query/v2 HTTP/1.1\r\nHost: {http}\r\nContent-Length: 99999999999\r\n\r\n").into_bytes(), 413),
        (format!("POST /db/neo4j/query/v2 HTTP/1.1\r\nHost: {http}\r\nTransfer-Encoding: chunked\r\n\r\n").into_bytes(), 411),
        (format!("GET / HTTP/1.1\r\nHost: {http}\r\nX: {}\r\n\r\n", "a".repeat(70_000)).into_bytes(), 431),
        // Another site's page posting, or a name that is not this machine's (DNS rebinding).
        (format!("POST /api/run HTTP/1.1\r\nHost: {http}\r\nOrigin: http://evil.example\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}").into_bytes(), 403),
        (b"GET / HTTP/1.1\r\nHost: evil.example:7474\r\nConnection: close\r\n\r\n".to_vec(), 403),
        // A form post (no preflight from browsers) is refused.
        (format!("POST /db/neo4j/query/v2 HTTP/1.1\r\nHost: {http}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}").into_bytes(), 415),
        (format!("POST /db/neo4j/query/v2 HTTP/1.1\r\nHost: {http}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{{\"sta").into_bytes(), 400),
        (format!("GET /no/such/page HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\n\r\n").into_bytes(), 404),
        (format!("DELETE / HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\n\r\n").into_bytes(), 405),
        (format!("GET /api/guides/../../etc/passwd HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\n\r\n").into_bytes(), 404),
    ];
    for (bytes, status) in cases {
        let (s, body) = raw(&http, &bytes);
        assert_eq!(s, status, "{:?}: {body}", String::from_utf8_lossy(&bytes[..bytes.len().min(120)]));
        assert!(!body.trim().is_empty(), "a reason is given");
    }
    // Two requests on one connection (keep-alive), then the page and its policy.
    let two = format!("GET /api/info HTTP/1.1\r\nHost: {http}\r\n\r\nGET /api/guides HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\n\r\n");
    let (_, body) = raw(&http, two.as_bytes());
    assert!(body.contains("HTTP/1.1 200") && body.contains("\"tour\""), "{body}");
    // A HEAD has the headers and no body, so the next answer on the connection is whole.
    let head = format!(
        "HEAD / HTTP/1.1\r\nHost: {http}\r\n\r\nGET /api/guides HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\n\r\n"
    );
    let (status, body) = raw(&http, head.as_bytes());
    assert_eq!(status, 200);
    assert!(body.starts_with("HTTP/1.1 200") && body.contains("\"tour\"") && !body.contains("<title>"), "{body}");
    // Without users, a host name that is not this machine's is refused even on its address
    // (DNS rebinding); plain addresses are answered.
    let (s, _) = request(&http, "GET", "/api/info", &[], "");
    assert_eq!(s, 200);
    let mut s = TcpStream::connect(&http).unwrap();
    write!(s, "GET / HTTP/1.1\r\nHost: {http}\r\nConnection: close\r\n\r\n").unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    assert!(page.contains("Content-Security-Policy: default-src 'self'") && page.contains("<title>silkgraph</title>"));
    // Still serving Bolt and HTTP.
    let (s, _) = post(&http, "/db/neo4j/query/v2", &json!({"statement": "RETURN 1"}), None);
    assert_eq!(s, 202);
    server.stop();
}

#[test]
fn the_app_api_completes_highlights_explains_empty_results_and_shows_evidence() {
    let server = Server::start_with(&[], &["--http", "127.0.0.1:0"]);
    let http = server.http.clone().unwrap();
    let (_, c) = post(&http, "/api/complete", &json!({"text": "MATCH (o:Offi", "pos": 13}), None);
    assert_eq!((c["start"].clone(), c["candidates"][0]["replacement"].clone()), (json!(9), json!("Office")));
    // Offsets count UTF-16 units, as the page's strings do.
    let (_, h) = post(&http, "/api/highlight", &json!({"text": "RETURN '日本😀' AS x"}), None);
    let toks = h["tokens"].as_array().unwrap();
    assert!(toks.contains(&json!([0, 6, "keyword"])) && toks.contains(&json!([7, 13, "string"])), "{h}");
    let (_, r) = post(&http, "/api/run", &json!({"text": "MATCH (c:Country {name: 'Japn'}) RETURN c"}), None);
    let r = &r["results"][0];
    assert_eq!(r["rowCount"], json!(0));
    assert!(r["whynot"]["reason"].as_str().unwrap().contains("Japan"), "{r}");
    let (_, r) = post(
        &http,
        "/api/run",
        &json!({"text": "MATCH (x)-[v:VISITED]->(:Country {name: 'Japan'}) WHERE v.year = 2004 RETURN x, v; RETURN 1 +"}),
        None,
    );
    let results = r["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["graph"]["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(results[1]["error"]["code"], json!("Neo.ClientError.Statement.SyntaxError"));
    let rel = results[0]["graph"]["rels"][0]["id"].clone();
    let (_, e) = post(&http, "/api/evidence", &json!({"rels": [rel]}), None);
    let quote = e["items"][0]["facts"][0]["quote"].as_str().unwrap();
    assert!(quote.contains("2004"), "{e}");
    let (_, x) = post(&http, "/api/expand", &json!({"id": results[0]["graph"]["nodes"][0]["id"]}), None);
    assert!(x["groups"].as_array().is_some_and(|g| !g.is_empty()));
    let (_, ex) = post(&http, "/api/export", &json!({"format": "graphml", "text": "MATCH (c:Country) RETURN c"}), None);
    assert!(ex["files"][0]["text"].as_str().unwrap().contains("<graphml"));
    let (_, sc) = post(&http, "/api/scores", &json!({"by": "degree"}), None);
    assert!(sc["values"].as_object().unwrap().len() > 100);
    server.stop();
}

/// A cancel halts every run of the user with that id (two tabs may send the same one), the
/// statement running and the ones after it; stopping the server halts what is still running
/// instead of waiting out its time limit.
#[test]
fn cancels_and_a_stopping_server_halt_running_requests() {
    let server = Server::start_with(&["--empty", "--timeout", "120"], &["--http", "127.0.0.1:0"]);
    let http = server.http.clone().unwrap();
    let slow = "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b UNWIND range(1, 3000) AS c RETURN count(*)";
    let started = std::time::Instant::now();
    let runs: Vec<_> = [format!("{slow}; {slow}"), slow.to_string()]
        .into_iter()
        .map(|text| {
            let http = http.clone();
            std::thread::spawn(move || post(&http, "/api/run", &json!({"text": text, "runId": "same"}), None).1)
        })
        .collect();
    // Once both runs have begun (each takes minutes uncancelled).
    std::thread::sleep(std::time::Duration::from_secs(2));
    let (_, c) = post(&http, "/api/cancel", &json!({"runId": "same"}), None);
    assert_eq!(c["cancelled"], json!(true));
    for r in runs {
        let results = r.join().unwrap()["results"].clone();
        // The first statement was cancelled, and no later one ran.
        assert_eq!(results.as_array().unwrap().len(), 1, "{results}");
        assert!(results[0]["error"]["message"].as_str().unwrap_or("").contains("cancelled"), "{results}");
    }
    assert!(started.elapsed().as_secs() < 60, "the cancel took {:?}", started.elapsed());
    // A query API request still running when the server stops.
    let running = std::thread::spawn({
        let http = http.clone();
        move || post(&http, "/db/neo4j/query/v2", &json!({"statement": slow}), None)
    });
    std::thread::sleep(std::time::Duration::from_secs(2));
    let stopped = std::time::Instant::now();
    server.stop();
    assert!(stopped.elapsed().as_secs() < 20, "the stop waited {:?}", stopped.elapsed());
    let (status, body) = running.join().unwrap();
    assert!(status >= 400 && body.to_string().contains("cancelled"), "{status} {body}");
}
