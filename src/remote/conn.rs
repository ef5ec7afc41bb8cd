//! One client connection to a Bolt server (`silkgraph serve`, Neo4j, Memgraph, FalkorDB): the
//! handshake, logging in, and the requests `--connect` and `push` send (`RUN` with `PULL`,
//! `BEGIN`, `COMMIT`, `ROLLBACK`, `ROUTE`), each answered in full before the next is sent.
//!
//! Everything the server sends is untrusted: a message is at most [`MAX_MESSAGE`] bytes, each
//! read waits at most [`IO_TIMEOUT`], and anything malformed is an error that names the server.

use std::io::{BufReader, BufWriter, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;

use crate::bolt::packstream::{encode, Pack};
use crate::bolt::{msg, Unread};

/// The graph a FalkorDB Bolt request goes to when no database is named.
pub const FALKOR_DEFAULT_GRAPH: &str = "db";

/// The largest message accepted from a server.
pub const MAX_MESSAGE: usize = 256 << 20;
/// How long one read or write may wait before the server is given up on.
pub const IO_TIMEOUT: Duration = Duration::from_secs(300);

/// What a server answered a request with when it refused it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Its status code (`Neo.ClientError.Statement.SyntaxError`).
    pub code: String,
    /// Its message.
    pub message: String,
}

/// An error of a remote request: the server refused it, or the connection failed.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoteError {
    /// The server answered with a failure.
    Failed(Failure),
    /// The connection or the protocol failed (the text says how).
    Broken(String),
}

impl std::fmt::Display for RemoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RemoteError::Failed(x) => write!(f, "{} ({})", x.message, x.code),
            RemoteError::Broken(why) => write!(f, "{why}"),
        }
    }
}

type Res<T> = Result<T, RemoteError>;

fn broken<T>(why: impl Into<String>) -> Res<T> {
    Err(RemoteError::Broken(why.into()))
}

/// A statement's answer: its columns, its records and the summary the server ended with.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// The column names.
    pub fields: Vec<String>,
    /// The records, one list of values per row.
    pub records: Vec<Vec<Pack>>,
    /// The final summary (`stats`, `bookmark`, `type`, ...).
    pub summary: IndexMap<String, Pack>,
}

/// Who to log in as.
#[derive(Debug, Clone, Default)]
pub struct Login {
    /// The user; `None` logs in without authentication.
    pub user: Option<String>,
    /// The password.
    pub password: String,
}

trait Stream: Read + Write + Send {}
impl<T: Read + Write + Send> Stream for T {}

/// An open, logged-in connection.
pub struct Connection {
    reader: BufReader<Box<dyn Stream>>,
    writer: BufWriter<TcpStream>,
    tls: bool,
    /// The protocol version agreed: (major, minor).
    pub version: (u8, u8),
    /// The server's agent string (`Neo4j/5.26.0`, `silkgraph/0.1.0`, ...).
    pub agent: String,
    /// Where it is, as dialled.
    pub address: String,
    /// The id the server gave the connection (Neo4j's are `bolt-N`).
    pub connection_id: String,
    /// FalkorDB: it takes the graph's name from the first key of a request's extra map.
    falkor: bool,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Connection({} {} Bolt {}.{})", self.address, self.agent, self.version.0, self.version.1)
    }
}

impl Connection {
    /// Dials `address` (`host:port`), with TLS when `tls` names the host to verify, agrees on a
    /// Bolt version (5.0 to 5.4, or 4.4) and logs in.
    pub fn open(address: &str, tls: Option<&str>, login: &Login) -> Res<Connection> {
        let addrs: Vec<_> = match address.to_socket_addrs() {
            Ok(a) => a.collect(),
            Err(e) => return broken(format!("{address}: cannot resolve the address: {e}")),
        };
        let mut last = format!("{address}: no address to connect to");
        let mut tcp = None;
        for a in addrs {
            match TcpStream::connect_timeout(&a, Duration::from_secs(10)) {
                Ok(s) => {
                    tcp = Some(s);
                    break;
                }
                Err(e) => last = format!("{address}: cannot connect: {e}"),
            }
        }
        let Some(tcp) = tcp else { return broken(last) };
        let _ = tcp.set_nodelay(true);
        let _ = tcp.set_read_timeout(Some(IO_TIMEOUT));
        let _ = tcp.set_write_timeout(Some(IO_TIMEOUT));
        let clone = tcp.try_clone().map_err(|e| RemoteError::Broken(format!("{address}: {e}")))?;
        let (stream, writer): (Box<dyn Stream>, _) = match tls {
            None => (Box::new(tcp), BufWriter::new(clone)),
            Some(host) => (Box::new(tls_stream(tcp, host, address)?), BufWriter::new(clone)),
        };
        let mut c = Connection {
            reader: BufReader::new(stream),
            writer,
            tls: tls.is_some(),
            version: (0, 0),
            agent: String::new(),
            address: address.to_string(),
            connection_id: String::new(),
            falkor: false,
        };
        c.handshake()?;
        c.hello(login)?;
        c.falkor = super::Flavour::of(&c.agent, &c.connection_id) == super::Flavour::Falkor;
        Ok(c)
    }

    fn handshake(&mut self) -> Res<()> {
        // 5.4 down to 5.0, then 4.4.
        let ask: [u8; 20] = [0x60, 0x60, 0xB0, 0x17, 0, 4, 4, 5, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0];
        self.write_raw(&ask)?;
        self.flush()?;
        let mut got = [0u8; 4];
        self.read_exact(&mut got)?;
        match got {
            [0, 0, minor, major] if (major == 5 && minor <= 4) || (major == 4 && minor == 4) => {
                self.version = (major, minor);
                Ok(())
            }
            [0, 0, 0, 0] => broken(format!("{}: the server speaks none of Bolt 5.0-5.4 and 4.4", self.address)),
            [0x48, 0x54, 0x54, 0x50] => broken(format!("{}: this is an HTTP server, not Bolt", self.address)),
            other => broken(format!("{}: the server answered the handshake with {other:02X?}", self.address)),
        }
    }

    fn hello(&mut self, login: &Login) -> Res<()> {
        let auth = match &login.user {
            Some(u) => Pack::map([
                ("scheme", Pack::str("basic")),
                ("principal", Pack::str(u)),
                ("credentials", Pack::str(&login.password)),
            ]),
            None => Pack::map([("scheme", Pack::str("none"))]),
        };
        let mut extra = IndexMap::new();
        extra.insert("user_agent".to_string(), Pack::str(concat!("silkgraph/", env!("CARGO_PKG_VERSION"))));
        let logon = self.version >= (5, 1);
        if !logon {
            if let Pack::Map(a) = &auth {
                extra.extend(a.clone());
            }
        }
        if self.version.0 == 4 {
            extra.insert("patch_bolt".into(), Pack::List(vec![Pack::str("utc")]));
        }
        if self.version >= (5, 2) {
            extra.insert("bolt_agent".into(), Pack::map([("product", Pack::str("silkgraph"))]));
        }
        let summary = self.request(msg::HELLO, vec![Pack::Map(extra)])?;
        self.agent = summary.get("server").and_then(Pack::as_str).unwrap_or("unknown").to_string();
        self.connection_id = summary.get("connection_id").and_then(Pack::as_str).unwrap_or("").to_string();
        if logon {
            self.request(msg::LOGON, vec![auth])?;
        }
        Ok(())
    }

    /// Whether the connection is encrypted.
    pub fn encrypted(&self) -> bool {
        self.tls
    }

    /// Runs one statement in `db` (the server's default for `None`) and pulls all its records.
    /// Inside a transaction the database is the transaction's.
    pub fn run(&mut self, query: &str, params: IndexMap<String, Pack>, db: Option<&str>, read: bool) -> Res<Reply> {
        let extra = self.extra(db, read);
        self.send(msg::RUN, vec![Pack::str(query), Pack::Map(params), Pack::Map(extra)])?;
        self.send(msg::PULL, vec![Pack::map([("n", Pack::Int(-1))])])?;
        self.flush()?;
        let mut reply = Reply::default();
        match self.answer() {
            Ok(h) => {
                reply.fields = match h.get("fields") {
                    Some(Pack::List(xs)) => xs.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
                    _ => Vec::new(),
                }
            }
            Err(RemoteError::Failed(f)) => {
                self.recover()?;
                return Err(RemoteError::Failed(f));
            }
            Err(e) => return Err(e),
        }
        // The answer to PULL: records, then a summary.
        loop {
            let (tag, mut fields) = self.receive()?;
            match tag {
                msg::RECORD => match fields.pop() {
                    Some(Pack::List(values)) => reply.records.push(values),
                    _ => return broken(format!("{}: a record that is not a list", self.address)),
                },
                msg::SUCCESS => {
                    reply.summary = summary_map(fields);
                    break;
                }
                msg::FAILURE => {
                    self.recover()?;
                    return Err(RemoteError::Failed(failure(fields)));
                }
                other => return broken(format!("{}: unexpected message 0x{other:02X} in a result", self.address)),
            }
        }
        Ok(reply)
    }

    fn extra(&self, db: Option<&str>, read: bool) -> IndexMap<String, Pack> {
        let mut extra = IndexMap::new();
        if self.falkor {
            // FalkorDB 4.16 takes the graph's name from the first key of this map (the key, not
            // its value): the graph asked for, else the one FalkorDB's drivers reach, `db`.
            let graph = db.unwrap_or(FALKOR_DEFAULT_GRAPH);
            extra.insert(graph.to_string(), Pack::str(graph));
        } else if let Some(d) = db {
            extra.insert("db".to_string(), Pack::str(d));
        }
        if read {
            extra.insert("mode".to_string(), Pack::str("r"));
        }
        extra
    }

    /// Begins an explicit transaction in `db`.
    pub fn begin(&mut self, db: Option<&str>, read: bool) -> Res<()> {
        let extra = self.extra(db, read);
        self.request(msg::BEGIN, vec![Pack::Map(extra)]).map(drop)
    }

    /// Commits the open transaction; returns its bookmark, if the server gave one.
    pub fn commit(&mut self) -> Res<Option<String>> {
        let s = self.request(msg::COMMIT, vec![])?;
        Ok(s.get("bookmark").and_then(Pack::as_str).map(str::to_string))
    }

    /// Rolls the open transaction back.
    pub fn rollback(&mut self) -> Res<()> {
        self.request(msg::ROLLBACK, vec![]).map(drop)
    }

    /// Asks for the routing table of `db` (Bolt 4.3 and later): its time to live and the
    /// addresses of its writers, readers and routers.
    pub fn route(&mut self, db: Option<&str>) -> Res<RoutingTable> {
        let db_field = if self.version >= (4, 4) && self.version.0 >= 5 || self.version == (4, 4) {
            let mut m = IndexMap::new();
            if let Some(d) = db {
                m.insert("db".to_string(), Pack::str(d));
            }
            Pack::Map(m)
        } else {
            db.map(Pack::str).unwrap_or(Pack::Null)
        };
        let mut ctx = IndexMap::new();
        ctx.insert("address".to_string(), Pack::str(&self.address));
        let s = self.request(msg::ROUTE, vec![Pack::Map(ctx), Pack::List(vec![]), db_field])?;
        RoutingTable::of(s.get("rt")).ok_or_else(|| {
            RemoteError::Broken(format!("{}: the routing table the server sent is not one", self.address))
        })
    }

    /// Says goodbye and closes (a server that does not answer is not waited for). FalkorDB
    /// 4.16 stops answering new connections after a `GOODBYE`, so `polite` false just closes.
    pub fn close(mut self, polite: bool) {
        if polite {
            let _ = self.send(msg::GOODBYE, vec![]);
            let _ = self.flush();
        }
    }

    /// After a failure: `RESET`, then skip what answers the requests sent after the failed one
    /// (`IGNORED`) until the reset's success. (FalkorDB answers a `PULL` after a failed `RUN`
    /// only once the `RESET` has come, so the reset is sent before anything more is read.)
    fn recover(&mut self) -> Res<()> {
        self.send(msg::RESET, vec![])?;
        self.flush()?;
        for _ in 0..16 {
            match self.receive()?.0 {
                msg::SUCCESS => return Ok(()),
                msg::IGNORED | msg::FAILURE => continue,
                other => return broken(format!("{}: unexpected message 0x{other:02X} after a reset", self.address)),
            }
        }
        broken(format!("{}: the server did not finish a reset", self.address))
    }

    /// Sends one message and reads its one answer: the success's metadata, or the failure
    /// (after which the connection is reset, so it stays usable).
    fn request(&mut self, tag: u8, fields: Vec<Pack>) -> Res<IndexMap<String, Pack>> {
        self.send(tag, fields)?;
        self.flush()?;
        match self.answer() {
            Err(RemoteError::Failed(f)) => {
                self.recover()?;
                Err(RemoteError::Failed(f))
            }
            other => other,
        }
    }

    fn answer(&mut self) -> Res<IndexMap<String, Pack>> {
        let (tag, fields) = self.receive()?;
        match tag {
            msg::SUCCESS => Ok(summary_map(fields)),
            msg::FAILURE => Err(RemoteError::Failed(failure(fields))),
            msg::IGNORED => broken(format!("{}: the server ignored a request", self.address)),
            other => broken(format!("{}: unexpected message 0x{other:02X}", self.address)),
        }
    }

    fn send(&mut self, tag: u8, fields: Vec<Pack>) -> Res<()> {
        let mut body = Vec::new();
        encode(&mut body, &Pack::Struct(tag, fields));
        let mut framed = Vec::with_capacity(body.len() + 8);
        crate::bolt::frame_into(&mut framed, &body);
        self.write_raw(&framed)
    }

    fn write_raw(&mut self, bytes: &[u8]) -> Res<()> {
        let r = if self.tls {
            // TLS writes go through the reader's stream (it owns the session).
            self.reader.get_mut().write_all(bytes).and_then(|()| self.reader.get_mut().flush())
        } else {
            self.writer.write_all(bytes)
        };
        r.map_err(|e| RemoteError::Broken(format!("{}: cannot send: {e}", self.address)))
    }

    fn flush(&mut self) -> Res<()> {
        if self.tls {
            return Ok(());
        }
        self.writer.flush().map_err(|e| RemoteError::Broken(format!("{}: cannot send: {e}", self.address)))
    }

    fn read_exact(&mut self, buf: &mut [u8]) -> Res<()> {
        self.reader.read_exact(buf).map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::UnexpectedEof => "the server closed the connection".to_string(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
                    format!("no answer in {} s", IO_TIMEOUT.as_secs())
                }
                _ => e.to_string(),
            };
            RemoteError::Broken(format!("{}: {why}", self.address))
        })
    }

    /// Reads one message (its chunks joined; no-op chunks skipped).
    fn receive(&mut self) -> Res<(u8, Vec<Pack>)> {
        match crate::bolt::read_message(MAX_MESSAGE, |b| self.read_exact(b)) {
            Ok(m) => Ok(m),
            Err(Unread::Io(e)) => Err(e),
            Err(Unread::TooLarge) => {
                broken(format!("{}: a message larger than {} MiB", self.address, MAX_MESSAGE >> 20))
            }
            Err(Unread::NotAStruct) => broken(format!("{}: a message that is not a structure", self.address)),
            Err(Unread::Malformed(e)) => broken(format!("{}: a message that does not decode: {e}", self.address)),
        }
    }
}

fn summary_map(mut fields: Vec<Pack>) -> IndexMap<String, Pack> {
    match fields.pop() {
        Some(Pack::Map(m)) => m,
        _ => IndexMap::new(),
    }
}

fn failure(fields: Vec<Pack>) -> Failure {
    let m = summary_map(fields);
    let text = |k: &str| m.get(k).and_then(Pack::as_str).unwrap_or("").to_string();
    // Bolt 5.7 renamed `code` to `neo4j_code`.
    let code = if m.contains_key("neo4j_code") { text("neo4j_code") } else { text("code") };
    Failure { code, message: text("message") }
}

/// Where a database's writers, readers and routers are, and for how long that holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutingTable {
    /// Seconds the table may be kept.
    pub ttl: i64,
    /// Addresses that take writes.
    pub writers: Vec<String>,
    /// Addresses that take reads.
    pub readers: Vec<String>,
    /// Addresses that answer `ROUTE`.
    pub routers: Vec<String>,
}

impl RoutingTable {
    fn of(rt: Option<&Pack>) -> Option<RoutingTable> {
        let rt = rt?.as_map()?;
        let mut t = RoutingTable { ttl: rt.get("ttl").and_then(Pack::as_int).unwrap_or(300), ..Default::default() };
        let Some(Pack::List(servers)) = rt.get("servers") else { return None };
        for s in servers {
            let s = s.as_map()?;
            let addresses: Vec<String> = match s.get("addresses") {
                Some(Pack::List(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
                _ => Vec::new(),
            };
            match s.get("role").and_then(Pack::as_str) {
                Some("WRITE") => t.writers.extend(addresses),
                Some("READ") => t.readers.extend(addresses),
                Some("ROUTE") => t.routers.extend(addresses),
                _ => {}
            }
        }
        Some(t)
    }
}

/// A TLS client session over `tcp`, verifying `host` against the system's root certificates
/// (and `SSL_CERT_FILE`, if set, for a private authority).
fn tls_stream(
    tcp: TcpStream,
    host: &str,
    address: &str,
) -> Res<rustls::StreamOwned<rustls::ClientConnection, TcpStream>> {
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    for cert in found.certs {
        let _ = roots.add(cert);
    }
    if roots.is_empty() {
        return broken(format!("{address}: no trusted root certificates found on this system (set SSL_CERT_FILE)"));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| RemoteError::Broken(format!("{address}: TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .map_err(|e| RemoteError::Broken(format!("{address}: {host} is not a host name TLS can check: {e}")))?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name)
        .map_err(|e| RemoteError::Broken(format!("{address}: TLS: {e}")))?;
    Ok(rustls::StreamOwned::new(conn, tcp))
}
