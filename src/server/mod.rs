//! `silkgraph serve`: the Bolt protocol, so Neo4j's drivers and tools use silkgraph unchanged.
//!
//! A connection ([`conn`]) speaks Bolt 4.4 and 5.0–5.4 over TCP or TLS (rustls): on a thread of
//! its own until its client has said HELLO, then, between requests, parked for a few workers
//! to serve ([`pool`]). Each request runs on a [`Client`](crate::session::Client) of the
//! database it names: the served one (also called `neo4j`), or a bundled graph by name,
//! read-only. Reads run on snapshots in parallel; writes commit one at a time (see
//! `session::Shared`).

pub mod auth;
pub mod codes;
pub mod conn;
#[cfg_attr(not(target_os = "linux"), path = "pool_elsewhere.rs")]
mod pool;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Detail, Error, Kind};
use crate::exec::Limits;
use crate::session::Shared;

/// How the server introduces itself; drivers read the `Neo4j/` prefix.
pub const AGENT: &str =
    concat!("Neo4j/5.26.0 compatible graph database server - silkgraph/", env!("CARGO_PKG_VERSION"));

/// The name every Neo4j driver uses for the default database.
pub const DEFAULT_DB: &str = "neo4j";

/// How a server runs.
#[derive(Debug)]
pub struct Options {
    /// The served database's own name (a file's stem, a bundled graph's name).
    pub name: String,
    /// Users and passwords; `None`: no authentication.
    pub users: Option<auth::Users>,
    /// TLS, when given a certificate and key.
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// Most connections at once; more are refused with a transient error.
    pub max_connections: usize,
    /// Log every query, not only failed ones.
    pub log_queries: bool,
    /// The limits each statement runs under.
    pub limits: Limits,
    /// Time limit of a statement (a transaction's own, from its driver, comes first).
    pub timeout: Option<Duration>,
    /// The directory `LOAD CSV` may read (none: it may read no file).
    pub import_dir: Option<Arc<std::path::Path>>,
    /// A second listener whose connections another front end serves (the browser's HTTP, in
    /// `web`), with the same users, TLS, databases and connection limit.
    pub http: Option<(TcpListener, HttpHandler)>,
}

/// Serves one HTTP connection: the server, the stream (TLS already wrapped), the peer, the
/// connection's number, and the flag set when the server stops.
pub type HttpHandler = fn(&Server, Box<dyn conn::Stream>, SocketAddr, u64, &AtomicBool);

/// What every connection shares.
pub struct Server {
    name: String,
    served: Arc<Shared>,
    bundled: Mutex<HashMap<String, Arc<Shared>>>,
    users: Option<auth::Users>,
    log_queries: bool,
    /// Log nothing (the fuzzer's server).
    quiet: bool,
    failures: Mutex<HashMap<IpAddr, (u32, Instant)>>,
    /// The limits of each statement.
    pub limits: Limits,
    /// Time limit of one statement.
    pub timeout: Option<Duration>,
    /// The directory `LOAD CSV` may read.
    pub import_dir: Option<Arc<std::path::Path>>,
    /// `host:port` that `ROUTE` hands out.
    pub advertised: String,
    /// The halt flags of the requests the HTTP front end runs, by a number of their own (see
    /// [`Server::begin_run`]), all set when the server stops.
    runs: Mutex<(u64, HashMap<u64, Arc<AtomicBool>>)>,
    /// Set when the server stops: a request that begins after it is halted at once.
    stopping: AtomicBool,
    /// A number no other server of this process has (front ends key their caches by it).
    id: u64,
}

impl Server {
    /// A server of `served` as `opts` say; `ROUTE` hands out `advertised`.
    fn new(served: Arc<Shared>, opts: Options, advertised: String) -> Server {
        Server {
            name: opts.name,
            served,
            bundled: Mutex::new(HashMap::new()),
            users: opts.users,
            log_queries: opts.log_queries,
            quiet: false,
            failures: Mutex::new(HashMap::new()),
            limits: opts.limits,
            timeout: opts.timeout,
            import_dir: opts.import_dir,
            advertised,
            runs: Mutex::default(),
            stopping: AtomicBool::new(false),
            id: {
                static IDS: AtomicU64 = AtomicU64::new(0);
                IDS.fetch_add(1, Ordering::Relaxed)
            },
        }
    }

    /// A number no other server of this process has.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// A request begins: its number and the flag that halts its statements (see
    /// [`crate::exec::Control::halt`]), which [`Server::end_run`] lets go.
    pub fn begin_run(&self) -> (u64, Arc<AtomicBool>) {
        let flag = Arc::new(AtomicBool::new(self.stopping.load(Ordering::SeqCst)));
        let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        runs.0 += 1;
        let id = runs.0;
        runs.1.insert(id, flag.clone());
        (id, flag)
    }

    /// A request ended (see [`Server::begin_run`]).
    pub fn end_run(&self, id: u64) {
        self.runs.lock().unwrap_or_else(|e| e.into_inner()).1.remove(&id);
    }

    /// Halts every request running, and every one that begins from now on.
    fn halt_runs(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        for flag in self.runs.lock().unwrap_or_else(|e| e.into_inner()).1.values() {
            flag.store(true, Ordering::SeqCst);
        }
    }

    /// The served database's own name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether logons are checked (a users file was given).
    pub fn has_users(&self) -> bool {
        self.users.is_some()
    }

    /// The database a request names: none, `neo4j` or the served name is the served one.
    pub fn resolve(&self, db: Option<&str>) -> Result<String, Error> {
        match db {
            None | Some("") | Some(DEFAULT_DB) => Ok(self.name.clone()),
            Some(n) if n == self.name => Ok(self.name.clone()),
            Some(n) if crate::graphs::BUNDLED.iter().any(|(b, _, _)| *b == n) => Ok(n.to_string()),
            Some(n) => Err(Error::runtime(
                Kind::DatabaseError,
                Detail::DatabaseNotFound,
                format!(
                    "no database `{n}` here: this server has `{}` (also called `{DEFAULT_DB}`) and, read-only, {}",
                    self.name,
                    crate::graphs::BUNDLED.iter().map(|(b, _, _)| format!("`{b}`")).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }

    /// A database by its resolved name; a bundled graph is loaded the first time.
    pub fn database(&self, name: &str) -> Result<Arc<Shared>, Error> {
        if name == self.name {
            return Ok(self.served.clone());
        }
        let mut b = self.bundled.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = b.get(name) {
            return Ok(s.clone());
        }
        let g = crate::graphs::open(name).map_err(|e| Error::runtime(Kind::DatabaseError, Detail::None, e))?;
        let s = Shared::new(g, None, true);
        b.insert(name.to_string(), s.clone());
        Ok(s)
    }

    /// Checks a logon. Without users, anyone may (the server listens on localhost, or was told
    /// `--no-auth`). A failed one is logged and answered slowly, more slowly each time from the
    /// same address.
    pub fn authenticate(
        &self,
        scheme: &str,
        principal: &str,
        credentials: &str,
        peer: &str,
    ) -> Result<auth::User, String> {
        let Some(users) = &self.users else {
            return Ok(auth::User { name: String::new(), read_only: false });
        };
        let user = (scheme == "basic").then(|| users.check(principal, credentials)).flatten();
        if let Some(u) = user {
            return Ok(u);
        }
        let ip = peer.parse::<SocketAddr>().map(|a| a.ip()).ok();
        let delay = ip.map_or(Duration::from_secs(1), |ip| {
            let mut f = self.failures.lock().unwrap_or_else(|e| e.into_inner());
            let e = f.entry(ip).or_insert((0, Instant::now()));
            if e.1.elapsed() > Duration::from_secs(600) {
                *e = (0, Instant::now());
            }
            e.0 += 1;
            e.1 = Instant::now();
            Duration::from_millis(250u64 << e.0.min(5))
        });
        self.log(&format!("failed logon from {peer} as `{principal}` (scheme {scheme})"));
        std::thread::sleep(delay);
        Err(if scheme == "basic" {
            "the user name or password is wrong".into()
        } else {
            "this server asks for a user name and password (basic authentication)".into()
        })
    }

    /// A line in the server's log (standard error), with the time.
    pub fn log(&self, line: &str) {
        if !self.quiet {
            eprintln!("{} {line}", now());
        }
    }

    /// A query, when `--log-queries` asks for all.
    pub fn log_query(&self, conn: u64, query: &str) {
        if self.log_queries {
            self.log(&format!("connection {conn}: {}", one_line(query)));
        }
    }

    /// A failed query.
    pub fn log_failure(&self, conn: u64, e: &Error, query: &str) {
        self.log(&format!("connection {conn}: failed: {} [{}] {}", e.message, codes::code(e), one_line(query)));
    }
}

fn one_line(q: &str) -> String {
    let q: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
    if q.chars().count() > 200 {
        q.chars().take(200).collect::<String>() + "…"
    } else {
        q
    }
}

fn now() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    match crate::value::temporal::DateTime::from_epoch_nanos((nanos / 1_000_000 * 1_000_000) as i128, 0) {
        Ok(dt) => crate::value::temporal::kind_and_text(&crate::value::Value::DateTime(dt))
            .map(|(_, t)| t)
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Whether an address is this machine only.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// The open connections: their sockets (to shut at a stop), their cancel flags, and whether
/// they are HTTP (whose answer to a request halted by the stop still goes out).
type Open = Mutex<HashMap<u64, (TcpStream, Arc<AtomicBool>, bool)>>;

/// Serves `served` on `listener` until `stop` is set: then open transactions are rolled back,
/// the database checkpointed, and this returns.
pub fn serve(listener: TcpListener, served: Arc<Shared>, opts: Options, stop: Arc<AtomicBool>) -> Result<(), String> {
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let (tls, max_connections) = (opts.tls.clone(), opts.max_connections);
    let mut opts = opts;
    let http = opts.http.take();
    let server = Arc::new(Server::new(served.clone(), opts, local.to_string()));
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    if let Some((l, _)) = &http {
        l.set_nonblocking(true).map_err(|e| e.to_string())?;
    }
    let active = Arc::new(AtomicUsize::new(0));
    let open: Arc<Open> = Arc::default();
    let ids = AtomicU64::new(0);
    // Bolt connections wait for their clients in the pool (see `pool`).
    let pool = {
        let (logs, open, active) = (server.clone(), open.clone(), active.clone());
        let ended: pool::Ended = Box::new(move |id, end| ended(&logs, &open, &active, id, end));
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        match pool::Pool::start(server.clone(), workers, ended) {
            Ok(p) => Some(p),
            // No epoll here (not Linux): every connection keeps its thread.
            Err(e) if e.kind() == std::io::ErrorKind::Unsupported => None,
            Err(e) => return Err(format!("cannot start the Bolt workers: {e}")),
        }
    };
    // Bolt's listener, then the HTTP one's (with its front end): each turn takes at most one
    // connection from each, so a flood on one cannot keep the other's clients waiting.
    let mut listeners: Vec<(&TcpListener, Option<HttpHandler>)> = vec![(&listener, None)];
    if let Some((l, handler)) = &http {
        listeners.push((l, Some(*handler)));
    }
    while !stop.load(Ordering::SeqCst) {
        if let Some(p) = &pool {
            p.tend();
        }
        let mut idle = true;
        for &(l, handler) in &listeners {
            let (tcp, peer) = match l.accept() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                Err(e) => {
                    server.log(&format!("accept failed: {e}"));
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            idle = false;
            let id = ids.fetch_add(1, Ordering::Relaxed) + 1;
            let _ = tcp.set_nonblocking(false);
            let _ = tcp.set_nodelay(true);
            let over = active.load(Ordering::SeqCst) >= max_connections;
            active.fetch_add(1, Ordering::SeqCst);
            let (shared_server, done, open, tls) = (server.clone(), active.clone(), open.clone(), tls.clone());
            let kind = if handler.is_some() { "http" } else { "bolt" };
            let pool = pool.clone();
            let spawned = std::thread::Builder::new().name(format!("{kind}-{id}")).spawn(move || match handler {
                Some(h) => {
                    http_connection(&shared_server, h, tcp, peer, id, over, tls, &open);
                    done.fetch_sub(1, Ordering::SeqCst);
                }
                None => connection(&shared_server, tcp, Accepted { peer, id, over }, tls, &open, &done, pool),
            });
            if let Err(e) = spawned {
                server.log(&format!("cannot start a thread for connection {id}: {e}"));
                active.fetch_sub(1, Ordering::SeqCst);
            }
        }
        if idle {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    server.log("stopping: open transactions are rolled back");
    server.halt_runs();
    for (tcp, cancel, http) in open.lock().unwrap_or_else(|e| e.into_inner()).values() {
        cancel.store(true, Ordering::SeqCst);
        let _ = tcp.shutdown(if *http { std::net::Shutdown::Read } else { std::net::Shutdown::Both });
    }
    let waited = Instant::now();
    while active.load(Ordering::SeqCst) > 0 && waited.elapsed() < Duration::from_secs(30) {
        if let Some(p) = &pool {
            // Workers still busy (with a statement halting) do not keep the rest waiting.
            p.tend();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if let Some(p) = &pool {
        p.stop();
    }
    if !served.read_only() {
        served.checkpoint().map_err(|e| format!("the checkpoint at shutdown failed: {e}"))?;
    }
    Ok(())
}

/// The connection's stream: the socket, or TLS over it (`None`, logged, when TLS cannot start).
fn stream(
    server: &Server,
    tcp: TcpStream,
    tls: Option<Arc<rustls::ServerConfig>>,
    who: &str,
) -> Option<Box<dyn conn::Stream>> {
    match tls {
        Some(cfg) => match rustls::ServerConnection::new(cfg) {
            Ok(c) => Some(Box::new(rustls::StreamOwned::new(c, tcp))),
            Err(e) => {
                server.log(&format!("{who}: TLS failed: {e}"));
                None
            }
        },
        None => Some(Box::new(tcp)),
    }
}

/// A Bolt connection just accepted: who, its number, and whether it is over the limit.
struct Accepted {
    peer: SocketAddr,
    id: u64,
    over: bool,
}

/// Serves a Bolt connection on this thread until its client has said HELLO; then the pool takes
/// it (where there is one).
fn connection(
    server: &Arc<Server>,
    tcp: TcpStream,
    Accepted { peer, id, over }: Accepted,
    tls: Option<Arc<rustls::ServerConfig>>,
    open: &Open,
    active: &AtomicUsize,
    pool: Option<Arc<pool::Pool>>,
) {
    let close = |end| ended(server, open, active, id, end);
    // A client gets 30 s to introduce itself; after that it may idle.
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(30)));
    // Two handles of the socket besides the stream's: one to shut it at a stop, one shared by
    // the connection (for its timeout) and the pool (for the epoll set).
    let (Ok(handle), Ok(socket)) = (tcp.try_clone(), tcp.try_clone()) else {
        return close(conn::End::Closed);
    };
    let socket = Arc::new(socket);
    let Some(io) = stream(server, tcp, tls, &format!("connection {id} from {peer}")) else {
        return close(conn::End::Closed);
    };
    let mut c = conn::Conn::new(io, server.clone(), id, peer.to_string());
    c.idle_after_hello(socket.clone());
    if over {
        server.log(&format!("connection {id} from {peer}: refused, the server is at its connection limit"));
        c.refuse_busy();
        active.fetch_sub(1, Ordering::SeqCst);
        return;
    }
    lock(open).insert(id, (handle, c.cancel_flag(), false));
    server.log(&format!("connection {id} from {peer}: opened"));
    let Some(pool) = pool else {
        return close(c.serve());
    };
    c.parking();
    match c.turn() {
        None => pool.park(pool::Parked::new(c, socket)),
        Some(end) => {
            c.close();
            close(end)
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A Bolt connection ended: it is logged and no longer counted.
fn ended(server: &Server, open: &Open, active: &AtomicUsize, id: u64, end: conn::End) {
    lock(open).remove(&id);
    match end {
        conn::End::Closed => server.log(&format!("connection {id}: closed")),
        conn::End::Io(e) => server.log(&format!("connection {id}: closed: {e}")),
        conn::End::Protocol(why) => server.log(&format!("connection {id}: closed: {why}")),
    }
    active.fetch_sub(1, Ordering::SeqCst);
}

/// An HTTP connection, handed to the front end that serves it once TLS is set up; over the
/// connection limit, it is answered 503.
#[allow(clippy::too_many_arguments)]
fn http_connection(
    server: &Server,
    handler: HttpHandler,
    tcp: TcpStream,
    peer: SocketAddr,
    id: u64,
    over: bool,
    tls: Option<Arc<rustls::ServerConfig>>,
    open: &Open,
) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(handle) = tcp.try_clone() else { return };
    let Some(mut io) = stream(server, tcp, tls, &format!("http connection {id} from {peer}")) else { return };
    if over {
        let body = "the server is at its connection limit; try again shortly";
        let _ = write!(
            io,
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = io.flush();
        return;
    }
    let stop = Arc::new(AtomicBool::new(false));
    open.lock().unwrap_or_else(|e| e.into_inner()).insert(id, (handle, stop.clone(), true));
    handler(server, io, peer, id, &stop);
    open.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
}

/// TLS from a certificate chain and a private key, both PEM files.
pub fn tls_config(cert: &std::path::Path, key: &std::path::Path) -> Result<Arc<rustls::ServerConfig>, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read the certificate {}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no certificate", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("cannot read the key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("the certificate and key do not make a TLS configuration: {e}"))?;
    Ok(Arc::new(cfg))
}

/// A client's bytes, read once, and the server's answer, kept.
struct Replay {
    input: std::io::Cursor<Vec<u8>>,
    output: Arc<Mutex<Vec<u8>>>,
}

impl std::io::Read for Replay {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.input.read(buf)
    }
}

impl std::io::Write for Replay {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.output.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl conn::Stream for Replay {}

/// Serves one connection whose client sent `bytes` and hung up, on an empty graph in memory
/// (each statement limited to a second, nothing logged); returns what the server answered. For
/// the fuzzer (`fuzz/fuzz_targets/bolt.rs`) and tests: whatever the bytes, this returns.
pub fn replay(bytes: &[u8]) -> Vec<u8> {
    replay_with(bytes, |server, io| {
        let _ = conn::Conn::new(io, server.clone(), 0, "replay".into()).serve();
    })
}

/// Runs `serve` on a connection whose client sent `bytes` and hung up, with a quiet server of
/// an empty graph in memory (each statement limited to a second); returns what was answered.
/// The HTTP side's fuzz target uses it too (`web::replay`).
pub fn replay_with(bytes: &[u8], serve: impl FnOnce(&Arc<Server>, Box<dyn conn::Stream>)) -> Vec<u8> {
    let opts = Options {
        name: "memory".into(),
        users: None,
        tls: None,
        max_connections: 1,
        log_queries: false,
        limits: Limits { max_rows: 10_000, max_hops: 10, max_memory: 64 << 20 },
        timeout: Some(Duration::from_secs(1)),
        import_dir: None,
        http: None,
    };
    let served = Shared::new(crate::store::Graph::default(), None, false);
    let server = Arc::new(Server { quiet: true, ..Server::new(served, opts, "localhost:7687".into()) });
    let output = Arc::new(Mutex::new(Vec::new()));
    let io = Replay { input: std::io::Cursor::new(bytes.to_vec()), output: output.clone() };
    serve(&server, Box::new(io));
    let out = output.lock().unwrap_or_else(|e| e.into_inner()).clone();
    out
}
