//! One Bolt connection: the handshake, chunked messages, and the request state machine
//! (`HELLO`, `LOGON`, `RUN`, `PULL`, `DISCARD`, `BEGIN`, `COMMIT`, `ROLLBACK`, `RESET`, `ROUTE`,
//! `GOODBYE`), over a [`Client`] of the database each request names.
//!
//! A result streams: a `PULL n` makes `n` rows and then waits for the client's next message
//! inside the running query. Another `PULL` goes on, `DISCARD` stops it; any other message
//! makes the rest of the rows buffered, then is handled.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{codes, Server};
use crate::bolt::packstream::{self, encode, struct_header, Pack};
use crate::bolt::values::{self, Dialect};
use crate::bolt::{frame_into, msg, Unread};
use crate::error::{Detail, Error, Kind};
use crate::exec::{Params, Row, Stats};
use crate::session::{Client, Prepared};
use crate::store::Graph;

/// A byte stream a connection speaks over (plain TCP or TLS). A connection waiting in the pool
/// is woken by its socket alone; TLS, between the socket and the connection, may hold input
/// the socket no longer shows, or take in a record that is no input at all.
pub trait Stream: Read + Write + Send {
    /// Whether a read would return at once with what was already taken off the socket. The
    /// connection may only wait in the pool when this is false.
    fn buffered(&mut self) -> std::io::Result<bool> {
        Ok(false)
    }

    /// Called when the socket of a connection waiting in the pool became readable: takes in
    /// what came, without waiting for more, and says whether a read now returns at once. When
    /// not, the connection waits again.
    fn woken(&mut self) -> std::io::Result<bool> {
        Ok(true)
    }
}

impl Stream for std::net::TcpStream {}
impl Stream for std::io::Cursor<Vec<u8>> {}

impl<S: Read + Write + Send> Stream for rustls::StreamOwned<rustls::ServerConnection, S> {
    /// Decrypted input not read yet, or the client's close_notify (which the next read
    /// reports). A connection reads 64 KiB at a time, more than rustls takes off the socket at
    /// once, so this is a safety net: it holds should either change.
    fn buffered(&mut self) -> std::io::Result<bool> {
        match self.conn.process_new_packets() {
            Ok(s) => Ok(s.plaintext_bytes_to_read() > 0 || s.peer_has_closed()),
            Err(e) => {
                // The alert that says why, then the end of the connection.
                let _ = self.conn.write_tls(&mut self.sock);
                Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            }
        }
    }

    /// One read of the socket, which has something (it is readable), so it does not wait. A
    /// record that carries no input (a key update, an empty record) or only part of one leaves
    /// nothing to read: the connection waits again instead of keeping a worker.
    fn woken(&mut self) -> std::io::Result<bool> {
        if self.conn.read_tls(&mut self.sock)? == 0 {
            return Ok(true); // the client hung up: the read says so
        }
        let ready = self.buffered()?;
        // What TLS has to say at once (such as refusing a renegotiation).
        while self.conn.wants_write() {
            self.conn.write_tls(&mut self.sock)?;
        }
        Ok(ready)
    }
}

/// The largest message a client may send; a larger one closes the connection.
pub const MAX_MESSAGE: usize = 64 << 20;

mod stream;

const MAGIC: [u8; 4] = [0x60, 0x60, 0xB0, 0x17];

/// The versions spoken, best first.
const VERSIONS: [(u8, u8); 6] = [(5, 4), (5, 3), (5, 2), (5, 1), (5, 0), (4, 4)];

/// Why a connection ends.
#[derive(Debug)]
pub enum End {
    /// The client said goodbye or hung up.
    Closed,
    /// The socket failed.
    Io(std::io::Error),
    /// The client broke the protocol; it was told why.
    Protocol(String),
}

impl From<std::io::Error> for End {
    fn from(e: std::io::Error) -> End {
        if matches!(e.kind(), std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset) {
            End::Closed
        } else {
            End::Io(e)
        }
    }
}

/// One message: its tag and fields.
type Message = (u8, Vec<Pack>);

/// A result not yet (fully) handed out.
struct Pending {
    db: String,
    query: String,
    prepared: Prepared,
    params: Params,
    /// Rows made but not yet pulled (once the result was put aside for another message).
    buffered: Option<std::collections::VecDeque<Vec<u8>>>,
    /// What the statement changed, once it has run.
    summary: Option<Stats>,
}

/// The state of one connection.
pub struct Conn {
    io: Box<dyn Stream>,
    out: Vec<u8>,
    server: Arc<Server>,
    /// This connection's number, for the log.
    pub id: u64,
    /// Who is at the other end, for the log.
    pub peer: String,
    version: (u8, u8),
    dialect: Dialect,
    /// The user logged on (`Some("")` when no authentication is asked).
    user: Option<super::auth::User>,
    failed: bool,
    clients: HashMap<String, Client>,
    /// The database of the open explicit transaction.
    tx_db: Option<String>,
    results: Vec<Option<Pending>>,
    /// A message read while a result was streaming, to be handled next.
    stash: Option<Message>,
    cancel: Arc<std::sync::atomic::AtomicBool>,
    /// The socket, to lift the handshake's read timeout once the client has said HELLO.
    tcp: Option<Arc<std::net::TcpStream>>,
    /// What was read from the client and not yet used: `inbuf[inpos..inlen]`.
    inbuf: Vec<u8>,
    inpos: usize,
    inlen: usize,
    /// Whether the client said HELLO (until then it has a time limit to speak).
    introduced: bool,
    /// Whether [`Conn::turn`] hands the connection back once everything it was sent is
    /// answered, rather than wait for its client (see `server::pool`).
    parks: bool,
    /// Whether the client has sent something (or hung up) since the connection was parked.
    woke: bool,
}

/// How much is read from the client at once.
const IN_BUFFER: usize = 64 << 10;

impl Conn {
    /// A connection over `io`.
    pub fn new(io: Box<dyn Stream>, server: Arc<Server>, id: u64, peer: String) -> Conn {
        Conn {
            io,
            out: Vec::with_capacity(64 << 10),
            server,
            id,
            peer,
            version: (0, 0),
            dialect: Dialect { element_ids: true, utc: true },
            user: None,
            failed: false,
            clients: HashMap::new(),
            tx_db: None,
            results: Vec::new(),
            stash: None,
            cancel: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            tcp: None,
            inbuf: Vec::new(),
            inpos: 0,
            inlen: 0,
            introduced: false,
            parks: false,
            woke: false,
        }
    }

    /// Makes [`Conn::turn`] hand the connection back whenever it waits for its client
    /// between requests (once the client has said HELLO).
    pub fn parking(&mut self) {
        self.parks = true;
    }

    /// Tells a parked connection that its client sent something.
    pub fn wake(&mut self) {
        self.woke = true;
    }

    /// Lifts the socket's read timeout after HELLO: a client may then idle as long as it likes.
    pub fn idle_after_hello(&mut self, tcp: Arc<std::net::TcpStream>) {
        self.tcp = Some(tcp);
    }

    /// Answers a client with a transient failure (the server is at its connection limit).
    pub fn refuse_busy(&mut self) {
        if self.handshake().is_ok() && self.read_message().is_ok() {
            let _ = self.failure_raw(
                "Neo.TransientError.Request.NoThreadsAvailable",
                "the server is at its connection limit; try again",
            );
            let _ = self.flush();
        }
    }

    /// The flag that stops this connection's running query.
    pub fn cancel_flag(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.cancel.clone()
    }

    /// Serves the connection until it ends; open transactions are rolled back.
    pub fn serve(&mut self) -> End {
        self.parks = false;
        let end = self.turn().unwrap_or(End::Closed);
        self.close();
        end
    }

    /// Serves the connection until it ends (`Some`, and then [`Conn::close`] is due) or, when
    /// it parks, until it has answered all its client sent (`None`).
    pub fn turn(&mut self) -> Option<End> {
        // No version yet: the handshake is still to be said.
        if self.version == (0, 0) {
            if let Err(e) = self.handshake() {
                return Some(e);
            }
        }
        self.run().err()
    }

    /// Sends the answers still held (a client that pipelined its last requests with GOODBYE)
    /// and rolls back open transactions.
    pub fn close(&mut self) {
        let _ = self.flush();
        for c in self.clients.values_mut() {
            c.close();
        }
    }

    fn handshake(&mut self) -> Result<(), End> {
        let mut hello = [0u8; 20];
        self.read_exact(&mut hello)?;
        if hello[..4] != MAGIC {
            return Err(End::Protocol("not a Bolt client (the handshake's magic number is wrong)".into()));
        }
        let chosen = hello[4..].chunks(4).find_map(|p| {
            let (range, minor, major) = (p[1], p[2], p[3]);
            VERSIONS.iter().copied().find(|&(ma, mi)| ma == major && mi <= minor && mi + range >= minor)
        });
        let Some(v) = chosen else {
            self.io.write_all(&[0, 0, 0, 0])?;
            return Err(End::Protocol("no Bolt version in common (silkgraph speaks 4.4 and 5.0 to 5.4)".into()));
        };
        self.io.write_all(&[0, 0, v.1, v.0])?;
        self.io.flush()?;
        self.version = v;
        self.dialect = Dialect { element_ids: v.0 >= 5, utc: v.0 >= 5 };
        Ok(())
    }

    fn read_message(&mut self) -> Result<Message, End> {
        if let Some(m) = self.stash.take() {
            return Ok(m);
        }
        match crate::bolt::read_message(MAX_MESSAGE, |b| self.read_exact(b)) {
            Ok(m) => Ok(m),
            Err(Unread::Io(end)) => Err(end),
            Err(Unread::TooLarge) => Err(self.violation(format!("a message larger than {} MiB", MAX_MESSAGE >> 20))),
            Err(Unread::NotAStruct) => Err(self.violation("a message that is not a structure".into())),
            Err(Unread::Malformed(why)) => Err(self.violation(format!("a malformed message: {why}"))),
        }
    }

    /// Tells the client why the connection closes, and closes it.
    fn violation(&mut self, why: String) -> End {
        let _ = self.failure_raw("Neo.ClientError.Request.Invalid", &why);
        let _ = self.flush();
        End::Protocol(why)
    }

    fn chunk(&mut self, body: &[u8]) {
        frame_into(&mut self.out, body);
    }

    fn send(&mut self, tag: u8, fields: &[Pack]) -> Result<(), End> {
        let mut body = Vec::new();
        struct_header(&mut body, tag, fields.len());
        fields.iter().for_each(|f| encode(&mut body, f));
        self.chunk(&body);
        if self.out.len() > 1 << 16 {
            self.flush()?;
        }
        Ok(())
    }

    /// Reads what the client sent (at least a byte) into the emptied input buffer.
    fn fill(&mut self) -> Result<(), End> {
        if self.inbuf.len() < IN_BUFFER {
            self.inbuf = vec![0; IN_BUFFER];
        }
        let n = loop {
            match self.io.read(&mut self.inbuf) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        };
        if n == 0 {
            return Err(End::Closed);
        }
        (self.inpos, self.inlen) = (0, n);
        Ok(())
    }

    /// Reads exactly `buf.len()` bytes, through the input buffer.
    fn read_exact(&mut self, buf: &mut [u8]) -> Result<(), End> {
        let mut done = 0;
        while done < buf.len() {
            if self.pending_input() == 0 {
                self.fill()?;
            }
            let k = (buf.len() - done).min(self.pending_input());
            buf[done..done + k].copy_from_slice(&self.inbuf[self.inpos..self.inpos + k]);
            self.inpos += k;
            done += k;
        }
        Ok(())
    }

    /// Bytes read from the client and not yet used.
    fn pending_input(&self) -> usize {
        self.inlen - self.inpos
    }

    fn flush(&mut self) -> Result<(), End> {
        self.io.write_all(&self.out)?;
        self.io.flush()?;
        self.out.clear();
        Ok(())
    }

    fn success(&mut self, meta: Pack) -> Result<(), End> {
        self.send(msg::SUCCESS, &[meta])
    }

    fn failure_raw(&mut self, code: &str, message: &str) -> Result<(), End> {
        self.send(msg::FAILURE, &[Pack::map([("code", Pack::str(code)), ("message", Pack::str(message))])])
    }

    fn failure(&mut self, e: &Error, query: &str) -> Result<(), End> {
        self.failed = true;
        self.server.log_failure(self.id, e, query);
        self.failure_raw(codes::code(e), &codes::message(e, query))
    }

    /// Handles requests; `Ok` when parking (see [`Conn::turn`]).
    fn run(&mut self) -> Result<(), End> {
        loop {
            if std::mem::take(&mut self.woke) && self.pending_input() == 0 {
                // Parked and woken: the client sent something (or hung up), unless it was only
                // TLS speaking to TLS.
                if !self.io.woken()? {
                    return Ok(());
                }
                self.fill()?;
            }
            // Keep-alives (NOOP, an empty chunk) between messages are passed over: a parked
            // connection woken by one parks again rather than wait for the next message.
            while self.pending_input() >= 2 && self.inbuf[self.inpos..self.inpos + 2] == [0, 0] {
                self.inpos += 2;
            }
            // Answers go out when the client has sent nothing more (it may pipeline RUN and PULL).
            if self.stash.is_none() && self.pending_input() == 0 {
                self.flush()?;
                if self.parks && self.introduced {
                    if !self.io.buffered()? {
                        return Ok(());
                    }
                    self.fill()?;
                    continue;
                }
            }
            let (tag, fields) = self.read_message()?;
            match tag {
                msg::GOODBYE => return Err(End::Closed),
                msg::RESET => {
                    self.reset();
                    self.success(Pack::map([]))?;
                    continue;
                }
                msg::HELLO => {
                    self.hello(&fields)?;
                    continue;
                }
                _ => {}
            }
            if self.failed {
                self.send(msg::IGNORED, &[])?;
                continue;
            }
            match tag {
                msg::LOGON => self.logon(fields.first())?,
                msg::LOGOFF => {
                    self.user = None;
                    self.success(Pack::map([]))?;
                }
                _ if self.user.is_none() => {
                    return Err(self.violation("a request before authentication (HELLO, then LOGON)".into()))
                }
                msg::RUN => self.run_message(&fields)?,
                msg::PULL | msg::DISCARD => self.pull(tag == msg::PULL, fields.first())?,
                msg::BEGIN => self.begin(fields.first())?,
                msg::COMMIT => self.commit()?,
                msg::ROLLBACK => self.rollback()?,
                msg::ROUTE => self.route(&fields)?,
                msg::TELEMETRY => self.success(Pack::map([]))?,
                other => return Err(self.violation(format!("an unknown message (tag 0x{other:02X})"))),
            }
        }
    }

    fn reset(&mut self) {
        for c in self.clients.values_mut() {
            c.rollback();
        }
        self.tx_db = None;
        self.results.clear();
        self.failed = false;
    }

    fn hello(&mut self, fields: &[Pack]) -> Result<(), End> {
        let Some(extra) = fields.first().and_then(Pack::as_map) else {
            return Err(self.violation("HELLO without its map".into()));
        };
        let mut meta = vec![
            ("server".to_string(), Pack::str(super::AGENT)),
            ("connection_id".to_string(), Pack::String(format!("bolt-{}", self.id))),
        ];
        if self.version == (4, 4) {
            let utc =
                extra.get("patch_bolt").is_some_and(|p| matches!(p, Pack::List(l) if l.contains(&Pack::str("utc"))));
            if utc {
                self.dialect.utc = true;
                meta.push(("patch_bolt".into(), Pack::List(vec![Pack::str("utc")])));
            }
        }
        meta.push(("hints".into(), Pack::map([])));
        if let Some(tcp) = self.tcp.take() {
            let _ = tcp.set_read_timeout(None);
        }
        self.introduced = true;
        if self.version < (5, 1) {
            // Credentials come with HELLO before 5.1.
            if let Err(e) = self.authenticate(extra) {
                return self.refuse(e);
            }
        }
        self.success(Pack::Map(meta.into_iter().collect()))
    }

    fn logon(&mut self, extra: Option<&Pack>) -> Result<(), End> {
        let Some(extra) = extra.and_then(Pack::as_map) else {
            return Err(self.violation("LOGON without its map".into()));
        };
        match self.authenticate(extra) {
            Ok(()) => self.success(Pack::map([])),
            Err(e) => self.refuse(e),
        }
    }

    fn authenticate(&mut self, extra: &indexmap::IndexMap<String, Pack>) -> Result<(), String> {
        let scheme = extra.get("scheme").and_then(Pack::as_str).unwrap_or("none");
        let principal = extra.get("principal").and_then(Pack::as_str).unwrap_or("");
        let credentials = extra.get("credentials").and_then(Pack::as_str).unwrap_or("");
        let user = self.server.authenticate(scheme, principal, credentials, &self.peer)?;
        self.server.log(&format!("connection {} from {}: logged on{}", self.id, self.peer, user.describe()));
        self.user = Some(user);
        Ok(())
    }

    /// A failed logon: the client is told, and the connection closes.
    fn refuse(&mut self, why: String) -> Result<(), End> {
        self.failure_raw("Neo.ClientError.Security.Unauthorized", &why)?;
        self.flush()?;
        Err(End::Protocol(why))
    }

    /// The database a request names (the served one when it names none), and its client.
    fn client(&mut self, db: Option<&str>) -> Result<(String, &mut Client), Error> {
        let name = self.server.resolve(db)?;
        if !self.clients.contains_key(&name) {
            let shared = self.server.database(&name)?;
            let mut c = Client::new(shared);
            c.control.cancel = self.cancel.clone();
            c.control.limits = self.server.limits;
            c.control.import_dir = self.server.import_dir.clone();
            c.timeout = self.server.timeout;
            self.clients.insert(name.clone(), c);
        }
        let c = self.clients.get_mut(&name).expect("inserted above");
        Ok((name, c))
    }

    fn run_message(&mut self, fields: &[Pack]) -> Result<(), End> {
        let query = fields.first().and_then(Pack::as_str).unwrap_or_default().to_string();
        let extra = fields.get(2).and_then(Pack::as_map).cloned().unwrap_or_default();
        let started = Instant::now();
        let r = self.prepare_run(&query, fields.get(1).unwrap_or(&Pack::Null), &extra);
        match r {
            Ok((fields_out, qid)) => {
                let mut meta = vec![
                    ("fields".to_string(), Pack::List(fields_out.iter().map(|f| Pack::str(f)).collect())),
                    ("t_first".to_string(), Pack::Int(started.elapsed().as_millis() as i64)),
                ];
                if self.tx_db.is_some() {
                    meta.push(("qid".into(), Pack::Int(qid as i64)));
                }
                self.success(Pack::Map(meta.into_iter().collect()))
            }
            Err(e) => self.failure(&e, &query),
        }
    }

    fn prepare_run(
        &mut self,
        query: &str,
        params: &Pack,
        extra: &indexmap::IndexMap<String, Pack>,
    ) -> Result<(Vec<String>, usize), Error> {
        self.server.log_query(self.id, query);
        let params = values::params(params).map_err(|why| {
            Error::type_error(Detail::InvalidArgumentType, format!("a parameter does not convert: {why}"))
        })?;
        // An auto-commit query names its database, access mode and time limit itself, and the
        // results before it go; in a transaction, BEGIN said them.
        let auto = self.tx_db.is_none();
        let db = match &self.tx_db {
            Some(db) => Some(db.clone()),
            None => extra.get("db").and_then(Pack::as_str).map(str::to_string),
        };
        if auto {
            self.results.clear();
        }
        let read_mode = auto && extra.get("mode").and_then(Pack::as_str) == Some("r");
        // This query's own time limit, else the server's (not one an earlier query asked for).
        let timeout = tx_timeout(extra).or(self.server.timeout);
        let read_only_user = self.user.as_ref().is_some_and(|u| u.read_only);
        let (name, client) = self.client(db.as_deref())?;
        if auto {
            client.timeout = timeout;
        }
        let prepared = client.prepare(query)?;
        if prepared.1.writes() && (read_only_user || read_mode) {
            return Err(access_mode(read_only_user));
        }
        let cols = Client::columns(&prepared);
        let query = query.to_string();
        self.results.push(Some(Pending { db: name, query, prepared, params, buffered: None, summary: None }));
        Ok((cols, self.results.len() - 1))
    }

    fn begin(&mut self, extra: Option<&Pack>) -> Result<(), End> {
        let extra = extra.and_then(Pack::as_map).cloned().unwrap_or_default();
        let db = extra.get("db").and_then(Pack::as_str).map(str::to_string);
        let read_only = extra.get("mode").and_then(Pack::as_str) == Some("r");
        let timeout = tx_timeout(&extra);
        let r = self.client(db.as_deref()).and_then(|(name, c)| c.begin(read_only, timeout).map(|()| name));
        match r {
            Ok(name) => {
                self.tx_db = Some(name);
                self.results.clear();
                self.success(Pack::map([]))
            }
            Err(e) => self.failure(&e, ""),
        }
    }

    fn commit(&mut self) -> Result<(), End> {
        let Some(db) = self.tx_db.take() else {
            let e = Error::runtime(Kind::TransactionError, Detail::NoTransaction, "COMMIT with no transaction open");
            return self.failure(&e, "");
        };
        // Results not pulled yet are made before the commit, as Neo4j does.
        if let Err(e) = self.drain_all() {
            return self.failure(&e, "");
        }
        self.results.clear();
        let r = self.clients.get_mut(&db).map_or(Ok(()), |c| c.commit());
        match r {
            Ok(()) => {
                let bookmark = self.bookmark(&db);
                self.success(Pack::map([("bookmark", Pack::String(bookmark))]))
            }
            Err(e) => self.failure(&e, ""),
        }
    }

    fn rollback(&mut self) -> Result<(), End> {
        if let Some(c) = self.tx_db.take().and_then(|db| self.clients.get_mut(&db)) {
            c.rollback();
        }
        self.results.clear();
        self.success(Pack::map([]))
    }

    fn bookmark(&self, db: &str) -> String {
        let v = self.clients.get(db).map_or(0, |c| c.shared().latest().version);
        format!("silkgraph:{db}:{v}")
    }

    fn route(&mut self, fields: &[Pack]) -> Result<(), End> {
        let db = match fields.get(2) {
            Some(Pack::Map(m)) => m.get("db").and_then(Pack::as_str).map(str::to_string),
            Some(Pack::String(s)) => Some(s.clone()),
            _ => None,
        };
        let name = match self.server.resolve(db.as_deref()) {
            // The table is for the name the client asked for (drivers file it under that name).
            Ok(n) => db.filter(|d| !d.is_empty()).unwrap_or(n),
            Err(e) => return self.failure(&e, ""),
        };
        let here = Pack::List(vec![Pack::String(self.server.advertised.clone())]);
        let server = |role: &str| Pack::map([("addresses", here.clone()), ("role", Pack::str(role))]);
        let rt = Pack::map([
            ("ttl", Pack::Int(300)),
            ("db", Pack::String(name)),
            ("servers", Pack::List(vec![server("WRITE"), server("READ"), server("ROUTE")])),
        ]);
        self.success(Pack::map([("rt", rt)]))
    }
}

fn tx_timeout(extra: &indexmap::IndexMap<String, Pack>) -> Option<Duration> {
    extra.get("tx_timeout").and_then(Pack::as_int).filter(|&ms| ms > 0).map(|ms| Duration::from_millis(ms as u64))
}

fn access_mode(user: bool) -> Error {
    let why = if user {
        "this user may only read"
    } else {
        "a write in a read transaction (the driver asked for read access); run it as a write"
    };
    Error::runtime(Kind::TransactionError, Detail::WriteOnReadOnly, why)
}

#[cfg(test)]
mod tests {
    use super::Stream;
    use std::io::{Cursor, Read, Write};
    use std::sync::Arc;

    type Served = rustls::StreamOwned<rustls::ServerConnection, Cursor<Vec<u8>>>;

    /// A TLS client and the server's side of its connection, with the handshake done in
    /// memory; the server's socket is a buffer that [`send`] adds to.
    fn tls_pair() -> (rustls::ClientConnection, Served) {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(made.signing_key.serialize_der().into());
        let provider = || Arc::new(rustls::crypto::ring::default_provider());
        let cfg = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![made.cert.der().clone()], key)
            .unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(made.cert.der().clone()).unwrap();
        let ccfg = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut client = rustls::ClientConnection::new(Arc::new(ccfg), name).unwrap();
        let mut server = rustls::ServerConnection::new(Arc::new(cfg)).unwrap();
        while client.is_handshaking() || server.is_handshaking() {
            let mut wire = Vec::new();
            client.write_tls(&mut wire).unwrap();
            server.read_tls(&mut &wire[..]).unwrap();
            server.process_new_packets().unwrap();
            wire.clear();
            server.write_tls(&mut wire).unwrap();
            client.read_tls(&mut &wire[..]).unwrap();
            client.process_new_packets().unwrap();
        }
        // The session tickets the server sent, taken in.
        let mut wire = Vec::new();
        server.write_tls(&mut wire).unwrap();
        client.read_tls(&mut &wire[..]).unwrap();
        client.process_new_packets().unwrap();
        (client, rustls::StreamOwned::new(server, Cursor::new(Vec::new())))
    }

    /// What the client has to send, onto the server's socket.
    fn send(client: &mut rustls::ClientConnection, s: &mut Served) {
        while client.wants_write() {
            client.write_tls(s.sock.get_mut()).unwrap();
        }
    }

    /// Whether the server's socket has nothing more.
    fn socket_empty(s: &Served) -> bool {
        s.sock.position() as usize == s.sock.get_ref().len()
    }

    #[test]
    fn tls_input_decrypted_and_not_yet_read_counts_as_buffered() {
        let (mut client, mut s) = tls_pair();
        for part in [&b"RUN"[..], b"PULL", b"GOODBYE"] {
            client.writer().write_all(part).unwrap();
            send(&mut client, &mut s);
        }
        // Nothing taken off the socket yet: the socket itself shows the input.
        assert!(!s.buffered().unwrap());
        // A read smaller than what came: all three records are taken off the socket.
        let mut first = [0u8; 3];
        s.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"RUN");
        assert!(socket_empty(&s), "the socket has nothing more");
        assert!(s.buffered().unwrap(), "the rest is held by TLS alone");
        let mut rest = [0u8; 11];
        s.read_exact(&mut rest).unwrap();
        assert_eq!(&rest, b"PULLGOODBYE");
        assert!(!s.buffered().unwrap(), "all was read");
    }

    #[test]
    fn a_tls_record_that_is_no_input_leaves_nothing_to_read() {
        let (mut client, mut s) = tls_pair();
        // A key update wakes the connection, and then there is nothing to read: it waits again
        // (a read now would wait for the client).
        client.refresh_traffic_keys().unwrap();
        send(&mut client, &mut s);
        assert!(!s.woken().unwrap());
        assert!(socket_empty(&s));
        // Half a record is no input either; its rest makes it input.
        client.writer().write_all(b"HELLO").unwrap();
        let mut record = Vec::new();
        client.write_tls(&mut record).unwrap();
        let half = record.len() / 2;
        s.sock.get_mut().extend_from_slice(&record[..half]);
        assert!(!s.woken().unwrap());
        s.sock.get_mut().extend_from_slice(&record[half..]);
        assert!(s.woken().unwrap());
        let mut got = [0u8; 5];
        s.read_exact(&mut got).unwrap();
        assert_eq!(&got, b"HELLO");
        // A client that hangs up: the read says so.
        assert!(s.woken().unwrap());
        let end = s.read(&mut got);
        let eof = |e: &std::io::Error| e.kind() == std::io::ErrorKind::UnexpectedEof;
        assert!(matches!(end, Ok(0)) || end.as_ref().is_err_and(eof), "{end:?}");
    }

    #[test]
    fn a_broken_tls_record_ends_the_connection_with_an_alert() {
        let (_client, mut s) = tls_pair();
        // An application-data record of garbage: it does not decrypt.
        s.sock.get_mut().extend_from_slice(&[23, 3, 3, 0, 20]);
        s.sock.get_mut().extend_from_slice(&[7; 20]);
        assert_eq!(s.woken().unwrap_err().kind(), std::io::ErrorKind::InvalidData);
        assert!(s.sock.get_ref().len() > 25, "no alert sent");
    }
}
