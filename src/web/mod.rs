//! The browser's side of `silkgraph serve`: HTTP on its own port (7474 by default) beside Bolt,
//! with the same users, TLS, databases and limits (see `server`).
//!
//! - `/` and its assets: the web app (`web/` at the top of the repository, embedded in the
//!   binary: nothing is fetched from the network);
//! - `POST /db/{name}/query/v2`: Neo4j's Query API ([`query_api`]), for `curl` and Neo4j's
//!   HTTP clients;
//! - `/api/...`: what the app asks for ([`api`]): runs, completion, highlighting, evidence,
//!   neighbours, scores, exports and guides, all drawn from the code the REPL uses.
//!
//! Requests that change anything must be JSON `POST`s whose `Origin`, when sent, is this
//! server, and a server on this machine answers only to this machine's host names: a web page
//! elsewhere can neither post to it nor reach it by DNS rebinding.

mod api;
mod assets;
pub mod guides;
mod http;
mod query_api;
mod values;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::json;

use crate::server::auth::User;
use crate::server::conn::Stream;
use crate::server::Server;
use http::{ReadError, Request, Response};

pub use guides::Guide;

/// Serves one HTTP connection until the client closes it, a request is bad, or the server
/// stops (see [`crate::server::HttpHandler`]).
pub fn serve_connection(server: &Server, io: Box<dyn Stream>, peer: SocketAddr, id: u64, stop: &AtomicBool) {
    let mut conn = http::Conn::new(io);
    loop {
        let req = match conn.read() {
            Ok(r) => r,
            Err(ReadError::Closed) => return,
            Err(ReadError::Bad(status, why)) => {
                server.log(&format!("http connection {id} from {peer}: {status}: {why}"));
                let _ = conn.write(&Response::text(status, why), true);
                return;
            }
        };
        let started = Instant::now();
        let resp = respond(server, &req, peer);
        if resp.status >= 500 {
            server.log(&format!(
                "http connection {id}: {} {} → {} in {:.1} ms",
                req.method,
                req.path,
                resp.status,
                started.elapsed().as_secs_f64() * 1e3
            ));
        }
        let close = !req.keep_alive() || stop.load(Ordering::SeqCst);
        // A HEAD is answered with the headers a GET would have, and no body.
        let mut resp = if req.method == "HEAD" { resp.headers_only() } else { resp };
        if req.http10 && !close {
            resp.headers.push(("Connection", "keep-alive".into()));
        }
        if conn.write(&resp, close).is_err() || close {
            return;
        }
    }
}

/// Serves one HTTP connection from this machine whose client sent `bytes` and hung up, on an
/// empty graph in memory; returns what was answered. For the fuzzer (`fuzz/fuzz_targets/http.rs`)
/// and tests: whatever the bytes, this returns.
pub fn replay(bytes: &[u8]) -> Vec<u8> {
    let peer = SocketAddr::from(([127, 0, 0, 1], 40000));
    crate::server::replay_with(bytes, |server, io| serve_connection(server, io, peer, 0, &AtomicBool::new(false)))
}

/// The name or address of a `Host` header, without its port or an IPv6 address's brackets.
fn host_name(host: &str) -> &str {
    match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => {
            host.rsplit_once(':').map_or(host, |(h, p)| if p.chars().all(|c| c.is_ascii_digit()) { h } else { host })
        }
    }
}

/// Whether a `Host` header names this machine (any port).
fn local_host(host: &str) -> bool {
    let name = host_name(host);
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        || name.to_ascii_lowercase().ends_with(".localhost")
}

/// Whether a `Host` header is an IP address (any port), which no DNS rebinding can give.
fn ip_host(host: &str) -> bool {
    host_name(host).parse::<std::net::IpAddr>().is_ok()
}

/// Credentials already checked: a hash of the server's address and the `Authorization`
/// header, the user, and when.
type Checked = Mutex<Vec<([u8; 32], User, Instant)>>;

fn checked() -> &'static Checked {
    static C: OnceLock<Checked> = OnceLock::new();
    C.get_or_init(Checked::default)
}

/// The user a request comes from: anyone without a users file; else the user its basic
/// credentials name (checked against the slow hash once, then remembered for ten minutes).
fn user_of(server: &Server, req: &Request, peer: SocketAddr) -> Result<User, String> {
    if !server.has_users() {
        return server.authenticate("none", "", "", &peer.to_string());
    }
    let Some(header) = req.header("authorization") else {
        return Err("this server asks for a user name and password (basic authentication)".into());
    };
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(server.id().to_le_bytes());
    h.update(header.as_bytes());
    let key: [u8; 32] = h.finalize().into();
    {
        let mut c = checked().lock().unwrap_or_else(|e| e.into_inner());
        c.retain(|(_, _, at)| at.elapsed() < Duration::from_secs(600));
        if let Some((_, u, _)) = c.iter().find(|(k, _, _)| *k == key) {
            return Ok(u.clone());
        }
    }
    let (scheme, creds) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("basic") {
        return server.authenticate(&scheme.to_ascii_lowercase(), "", "", &peer.to_string());
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(creds.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default();
    let (name, password) = decoded.split_once(':').unwrap_or((&decoded, ""));
    let user = server.authenticate("basic", name, password, &peer.to_string())?;
    let mut c = checked().lock().unwrap_or_else(|e| e.into_inner());
    if c.len() > 1000 {
        c.remove(0);
    }
    c.push((key, user.clone(), Instant::now()));
    Ok(user)
}

/// The Query API's and the app API's error body.
pub(crate) fn error_body(code: &str, message: &str) -> serde_json::Value {
    json!({"errors": [{"code": code, "message": message}]})
}

fn respond(server: &Server, req: &Request, peer: SocketAddr) -> Response {
    let api = req.path.starts_with("/db/") || req.path.starts_with("/api/");
    // Without users, a page that rebinds its own host name to this server's address must not
    // reach it: only this machine's names and plain addresses are answered.
    if !server.has_users() && !req.header("host").is_some_and(|h| local_host(h) || ip_host(h)) {
        return Response::text(
            403,
            "without users, this server answers only to this machine's names (localhost) and to IP addresses: the Host header names another",
        );
    }
    if req.method == "POST" {
        if let Some(origin) = req.header("origin") {
            let host = req.header("host").unwrap_or("");
            let same = origin.split_once("://").is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host));
            if !same {
                return Response::json(
                    403,
                    &error_body("Neo.ClientError.Security.Forbidden", &format!("requests from {origin} are not taken")),
                );
            }
        }
        if !req.header("content-type").is_some_and(|c| c.trim_start().starts_with("application/json")) {
            return Response::json(
                415,
                &error_body("Neo.ClientError.Request.InvalidFormat", "send the request body as application/json"),
            );
        }
    }
    let user = match user_of(server, req, peer) {
        Ok(u) => u,
        Err(why) => {
            let r = Response::json(401, &error_body("Neo.ClientError.Security.Unauthorized", &why));
            // The page asks the browser for a password; the API's callers send theirs.
            return if api { r } else { r.with("WWW-Authenticate", "Basic realm=\"silkgraph\", charset=\"UTF-8\"") };
        }
    };
    if let Some(rest) = req.path.strip_prefix("/db/") {
        return match (req.method.as_str(), rest.split_once('/')) {
            ("POST", Some((db, "query/v2"))) => query_api::run(server, &user, db, &req.body),
            (_, Some((_, "query/v2"))) => {
                Response::json(405, &error_body("Neo.ClientError.Request.Invalid", "the Query API takes POST requests"))
                    .with("Allow", "POST")
            }
            _ => Response::json(
                404,
                &error_body(
                    "Neo.ClientError.Request.Invalid",
                    &format!("no such endpoint: {}; queries go to POST /db/{{name}}/query/v2", req.path),
                ),
            ),
        };
    }
    if let Some(rest) = req.path.strip_prefix("/api/") {
        return api::route(server, &user, req, rest);
    }
    match req.method.as_str() {
        "GET" | "HEAD" => assets::get(&req.path),
        _ => Response::text(405, "the app's pages are read with GET").with("Allow", "GET"),
    }
}

#[cfg(test)]
mod tests {
    use super::{local_host, replay};
    use proptest::prelude::*;

    fn statuses(out: &[u8]) -> Vec<u16> {
        let text = String::from_utf8_lossy(out);
        text.match_indices("HTTP/1.1 ").filter_map(|(i, _)| text[i + 9..].get(..3)?.parse().ok()).collect()
    }

    #[test]
    fn a_replayed_connection_answers_each_request() {
        let req = |body: &str| {
            format!(
                "POST /db/neo4j/query/v2 HTTP/1.1\r\nHost: localhost:7474\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
        };
        let two = req(r#"{"statement": "CREATE (n:X {v: 1}) RETURN n.v"}"#)
            + &req(r#"{"statement": "MATCH (n:X) RETURN count(n)"}"#);
        let out = replay(two.as_bytes());
        assert_eq!(statuses(&out), [202, 202]);
        assert!(String::from_utf8_lossy(&out).contains(r#""values":[[1]]"#));
        assert_eq!(statuses(&replay(b"GET /nothing HTTP/1.1\r\nHost: localhost\r\n\r\n")), [404]);
        assert_eq!(statuses(&replay(b"\x00\xff garbage\r\n\r\n")), [400]);
        assert!(replay(b"").is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        // Any bytes after a request line get an answer with a status, or a closed connection;
        // never a panic or a hang (the fuzz target `http` goes further).
        #[test]
        fn any_request_gets_a_status_or_nothing(
            path in prop::sample::select(vec!["/", "/db/neo4j/query/v2", "/api/run", "/api/complete", "/api/expand", "/api/guides/tour", "/app.js"]),
            method in prop::sample::select(vec!["GET", "POST", "PUT", "HEAD"]),
            body in proptest::collection::vec(any::<u8>(), 0..200),
            json in any::<bool>(),
        ) {
            let ct = if json { "Content-Type: application/json\r\n" } else { "" };
            let mut bytes = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:7474\r\n{ct}Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            bytes.extend(&body);
            let out = replay(&bytes);
            prop_assert!(out.is_empty() || !statuses(&out).is_empty());
        }
    }

    #[test]
    fn only_this_machines_names_are_local() {
        for h in ["localhost", "localhost:7474", "127.0.0.1:7474", "[::1]:7474", "app.localhost", "127.0.0.2"] {
            assert!(local_host(h), "{h}");
        }
        for h in ["evil.example", "evil.example:7474", "192.168.1.5:7474", "localhost.evil.example", ""] {
            assert!(!local_host(h), "{h}");
        }
        for h in ["192.168.1.5:7474", "10.0.0.1", "[fe80::1]:7474"] {
            assert!(super::ip_host(h), "{h}");
        }
        assert!(!super::ip_host("evil.example:7474"));
    }
}
