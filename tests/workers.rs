//! `silkgraph serve`'s connections between requests: parked and served by a few workers (see
//! `src/server/pool.rs`). Clients that keep a worker waiting (a result left half pulled, a
//! message sent in half) do not keep the other clients waiting; a client that hangs up while
//! parked frees its place under `--max-connections`; idle clients, over TCP or TLS, take no
//! thread each. Spoken in raw Bolt 5.4, so that what a client leaves unfinished is exactly what
//! the test says.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use silkgraph::bolt::frame_into;
use silkgraph::bolt::packstream::{decode, encode, Pack};

use crate::server::Server;

trait Io: Read + Write {
    /// Sends a TLS 1.3 key update (over TLS only).
    fn update_keys(&mut self) {
        panic!("a key update without TLS");
    }
}

impl Io for TcpStream {}

impl Io for rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    fn update_keys(&mut self) {
        self.conn.refresh_traffic_keys().unwrap();
        self.flush().unwrap();
    }
}

/// A Bolt 5.4 client over a socket or TLS.
struct Client {
    s: Box<dyn Io>,
}

impl Client {
    fn connect(addr: &str) -> Client {
        Client::over(Box::new(Client::socket(addr)))
    }

    /// Over TLS, trusting what `tls` trusts.
    fn connect_tls(addr: &str, tls: &Arc<rustls::ClientConfig>) -> Client {
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let conn = rustls::ClientConnection::new(tls.clone(), name).unwrap();
        Client::over(Box::new(rustls::StreamOwned::new(conn, Client::socket(addr))))
    }

    fn socket(addr: &str) -> TcpStream {
        let s = TcpStream::connect(addr).unwrap();
        // A generous limit: a reply that never comes fails the test rather than hang it.
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        s
    }

    /// The handshake, over `s`.
    fn over(mut s: Box<dyn Io>) -> Client {
        s.write_all(&[0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        let mut v = [0u8; 4];
        s.read_exact(&mut v).unwrap();
        assert_eq!(v, [0, 0, 4, 5]);
        Client { s }
    }

    /// HELLO and LOGON, answered.
    fn introduced(mut self) -> Client {
        self.send(0x01, vec![Pack::map([("user_agent", Pack::str("workers-test/1"))])]);
        self.send(0x6A, vec![Pack::map([("scheme", Pack::str("none"))])]);
        assert_eq!(self.reply().0, 0x70);
        assert_eq!(self.reply().0, 0x70);
        self
    }

    fn logged_on(addr: &str) -> Client {
        Client::connect(addr).introduced()
    }

    fn send(&mut self, tag: u8, fields: Vec<Pack>) {
        let out = message(tag, fields);
        self.s.write_all(&out).unwrap();
    }

    fn run_pull(&mut self, q: &str, n: i64) {
        self.send(0x10, vec![Pack::str(q), Pack::map([]), Pack::map([])]);
        self.send(0x3F, vec![Pack::map([("n", Pack::Int(n))])]);
    }

    /// The next message: its tag and fields.
    fn reply(&mut self) -> (u8, Vec<Pack>) {
        let mut body = Vec::new();
        loop {
            let mut n = [0u8; 2];
            self.s.read_exact(&mut n).unwrap();
            let n = usize::from(u16::from_be_bytes(n));
            if n == 0 {
                break;
            }
            let at = body.len();
            body.resize(at + n, 0);
            self.s.read_exact(&mut body[at..]).unwrap();
        }
        match decode(&body).unwrap() {
            Pack::Struct(tag, fields) => (tag, fields),
            other => panic!("not a message: {other:?}"),
        }
    }

    /// The replies up to and including the next SUCCESS or FAILURE after a PULL: the rows'
    /// first values, and that closing message.
    fn rows(&mut self) -> (Vec<Pack>, (u8, Vec<Pack>)) {
        let mut rows = Vec::new();
        loop {
            let (tag, fields) = self.reply();
            match tag {
                0x71 => rows.push(match &fields[0] {
                    Pack::List(l) => l[0].clone(),
                    other => panic!("{other:?}"),
                }),
                _ => return (rows, (tag, fields)),
            }
        }
    }
}

/// A message, chunked, with its end marker.
fn message(tag: u8, fields: Vec<Pack>) -> Vec<u8> {
    let (mut body, mut out) = (Vec::new(), Vec::new());
    encode(&mut body, &Pack::Struct(tag, fields));
    frame_into(&mut out, &body);
    out
}

/// A self-signed certificate for localhost, written to `dir` as cert.pem and key.pem, and a
/// client's TLS configuration that trusts it.
fn certificate(dir: &Path) -> (String, String, Arc<rustls::ClientConfig>) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(made.cert.der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let path = |p: &Path| p.to_str().unwrap().to_string();
    (path(&cert), path(&key), Arc::new(tls))
}

/// A server speaking TLS only, with its certificate in a scratch folder named after `name`,
/// and a client configuration that trusts it.
fn tls_server(name: &str) -> (Server, Arc<rustls::ClientConfig>) {
    let dir = std::env::temp_dir().join(format!("silkgraph-workers-{}-{name}", std::process::id()));
    let (cert, key, tls) = certificate(&dir);
    let server = Server::start_with(&[], &["--tls-cert", &cert, "--tls-key", &key]);
    // Read before the server said where it listens.
    std::fs::remove_dir_all(&dir).unwrap();
    (server, tls)
}

/// The numbers of the connections whose log lines say `what`, in order.
fn logged(log: &str, what: &str) -> Vec<u64> {
    let mut ids: Vec<u64> = log
        .lines()
        .filter(|l| l.contains(what))
        .filter_map(|l| l.split("connection ").nth(1)?.split([' ', ':']).next()?.parse().ok())
        .collect();
    ids.sort();
    ids
}

/// How many threads a process runs.
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |d| d.count())
}

fn has_more(m: &(u8, Vec<Pack>)) -> bool {
    m.0 == 0x70 && m.1[0].as_map().and_then(|m| m.get("has_more")).is_some_and(|v| *v == Pack::Bool(true))
}

#[test]
fn clients_that_keep_a_worker_waiting_do_not_keep_the_others_waiting() {
    let server = Server::start(&[]);
    // More of each than a machine has cores (the pool's size).
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut halfway = Vec::new();
    for _ in 0..cores + 1 {
        // A result of a million rows, pulled one row and then left: the statement waits, in
        // its worker, for the client's next PULL.
        let mut c = Client::logged_on(&server.addr);
        c.run_pull("UNWIND range(1, 1000000) AS i RETURN i", 1);
        assert_eq!(c.reply().0, 0x70, "RUN");
        let (rows, end) = c.rows();
        assert_eq!(rows, vec![Pack::Int(1)]);
        assert!(has_more(&end), "{end:?}");
        halfway.push(c);
    }
    let mut halves = Vec::new();
    for _ in 0..cores + 1 {
        // A message whose first chunk says 100 bytes and brings 3: its worker waits for the rest.
        let mut c = Client::logged_on(&server.addr);
        c.s.write_all(&[0x00, 0x64, 0xB3, 0x10, 0x85]).unwrap();
        halves.push(c);
    }
    // Others are served all the same, and every new connection too.
    for i in 0..4 {
        let mut c = Client::logged_on(&server.addr);
        c.run_pull(&format!("RETURN {i} + 1 AS n"), -1);
        assert_eq!(c.reply().0, 0x70, "RUN");
        let (rows, end) = c.rows();
        assert_eq!(rows, vec![Pack::Int(i + 1)]);
        assert_eq!(end.0, 0x70);
    }
    // The results left halfway go on where they stopped, on the same connections.
    for c in &mut halfway {
        c.send(0x3F, vec![Pack::map([("n", Pack::Int(2))])]);
        let (rows, end) = c.rows();
        assert_eq!(rows, vec![Pack::Int(2), Pack::Int(3)]);
        assert!(has_more(&end), "{end:?}");
        c.send(0x2F, vec![Pack::map([("n", Pack::Int(-1))])]);
        let (rows, end) = c.rows();
        assert!(rows.is_empty() && end.0 == 0x70 && !has_more(&end), "{rows:?} {end:?}");
    }
    drop(halves);
    let err = server.stop();
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_client_that_hangs_up_between_requests_frees_its_place() {
    let server = Server::start_with(&[], &["--max-connections", "2"]);
    let mut first = Client::logged_on(&server.addr);
    let second = Client::logged_on(&server.addr);
    // Both wait between requests (parked); a third is one too many.
    let mut third = Client::connect(&server.addr);
    third.send(0x01, vec![Pack::map([("user_agent", Pack::str("workers-test/1"))])]);
    let (tag, fields) = third.reply();
    assert_eq!(tag, 0x7F);
    let code = fields[0].as_map().and_then(|m| m.get("code")).and_then(Pack::as_str).map(str::to_string);
    assert_eq!(code.as_deref(), Some("Neo.TransientError.Request.NoThreadsAvailable"));
    // The second hangs up while parked: its place is free once the server has seen it go.
    drop(second);
    let mut fourth = None;
    for _ in 0..600 {
        let mut c = Client::connect(&server.addr);
        c.send(0x01, vec![Pack::map([("user_agent", Pack::str("workers-test/1"))])]);
        if c.reply().0 == 0x70 {
            fourth = Some(c);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut fourth = fourth.expect("a place freed within 30 s");
    fourth.send(0x6A, vec![Pack::map([("scheme", Pack::str("none"))])]);
    assert_eq!(fourth.reply().0, 0x70);
    for c in [&mut first, &mut fourth] {
        c.run_pull("RETURN 7 AS n", -1);
        assert_eq!(c.reply().0, 0x70);
        assert_eq!(c.rows().0, vec![Pack::Int(7)]);
    }
    drop((first, fourth));
    let err = server.stop();
    assert!(err.contains("refused, the server is at its connection limit"), "{err}");
    // Each connection opened is closed once, whether it ended parked or at the stop.
    let (opened, closed) = (logged(&err, ": opened"), logged(&err, ": closed"));
    assert_eq!(opened.len(), 3, "{err}");
    assert_eq!(opened, closed, "{err}");
}

#[test]
fn idle_clients_and_their_keep_alives_take_no_thread_each() {
    let server = Server::start(&[]);
    idle_clients_take_no_thread_each(&server, || Client::logged_on(&server.addr), false);
    server.stop();
}

#[test]
fn idle_tls_clients_and_their_key_updates_take_no_thread_each() {
    let (server, tls) = tls_server("idle");
    idle_clients_take_no_thread_each(&server, || Client::connect_tls(&server.addr, &tls).introduced(), true);
    server.stop();
}

/// Sixteen clients from `connect`, idle, then sending keep-alives (and, over TLS, key
/// updates: records that wake a connection with no input), then served again: the server's
/// threads stay far fewer than one per client.
fn idle_clients_take_no_thread_each(server: &Server, connect: impl Fn() -> Client, update_keys: bool) {
    // Counted once a first client was served (the workers are running).
    let mut first = connect();
    first.run_pull("RETURN 1", -1);
    assert_eq!(first.reply().0, 0x70);
    assert_eq!(first.rows().0, vec![Pack::Int(1)]);
    let before = threads(server.pid());
    assert!(before > 0, "no /proc here");
    // Far fewer than a thread each, with room for a worker replaced now and then.
    let most = before + 8;
    let mut idle: Vec<Client> = (0..16).map(|_| connect()).collect();
    // Each connection's own thread ends once the connection is parked.
    let mut now = threads(server.pid());
    for _ in 0..200 {
        if now <= most {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        now = threads(server.pid());
    }
    assert!(now <= most, "{now} threads for 16 idle clients ({before} for one)");
    // A keep-alive (NOOP, an empty chunk) from each, while idle: a worker woken by one parks
    // the connection again, rather than wait for the next message (and be replaced, in 20 ms).
    for c in &mut idle {
        c.s.write_all(&[0, 0]).unwrap();
        c.s.flush().unwrap();
    }
    let still = |after: &str| {
        for _ in 0..30 {
            std::thread::sleep(Duration::from_millis(50));
            let now = threads(server.pid());
            assert!(now <= most, "{now} threads for 16 idle clients after their {after} ({before} for one)");
        }
    };
    still("keep-alives");
    if update_keys {
        idle.iter_mut().for_each(|c| c.s.update_keys());
        still("key updates");
    }
    for (i, c) in idle.iter_mut().enumerate() {
        c.run_pull(&format!("RETURN {i} AS n"), -1);
        assert_eq!(c.reply().0, 0x70);
        assert_eq!(c.rows().0, vec![Pack::Int(i as i64)]);
    }
}

#[test]
fn a_tls_client_that_sends_many_requests_at_once_gets_every_answer() {
    let (server, tls) = tls_server("pipelined");
    let mut c = Client::connect_tls(&server.addr, &tls).introduced();
    // Each request in a TLS record of its own, all sent before any answer is read: the
    // connection is parked and woken again and again, with records arriving whole and in
    // parts, and every answer comes, in order. (What rustls holds that the socket no longer
    // shows is `Stream::buffered`'s test, in src/server/conn.)
    let pad = "x".repeat(400);
    let n = 400;
    for i in 0..n {
        let mut out = message(
            0x10,
            vec![
                Pack::str("RETURN $i AS n"),
                Pack::map([("i", Pack::Int(i)), ("pad", Pack::str(&pad))]),
                Pack::map([]),
            ],
        );
        out.extend(message(0x3F, vec![Pack::map([("n", Pack::Int(-1))])]));
        c.s.write_all(&out).unwrap();
    }
    for i in 0..n {
        assert_eq!(c.reply().0, 0x70, "RUN {i}");
        let (rows, end) = c.rows();
        assert_eq!(rows, vec![Pack::Int(i)]);
        assert_eq!(end.0, 0x70);
    }
    drop(c);
    let err = server.stop();
    assert!(!err.contains("panicked"), "{err}");
}
