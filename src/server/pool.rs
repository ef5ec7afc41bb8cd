//! Bolt connections between requests, served by a few threads.
//!
//! A connection's own thread says the handshake and takes HELLO. After that, whenever the
//! connection has answered everything its client sent, it is parked: its socket goes into one
//! epoll set and its state into [`Pool`]'s table. A few workers (one per core) wait on the set;
//! the one woken takes the connection, serves what arrived, and parks it again. A busy server
//! thus runs a few threads that go from one ready connection to the next, rather than a thread
//! per client, each woken in turn: with sixteen clients on two cores, a thread each cost a
//! quarter more CPU and nearly a context switch more per query, and made the slowest answers
//! slower.
//!
//! A request that takes long (a large query, a client slow to send the rest of a message, to
//! read its rows or to pull the next ones) keeps its worker busy. After [`LONG`] that worker is
//! let go from the pool and another starts in its place, so the other connections do not wait
//! behind it; the worker let go ends once its connection is parked again. A worker that stops
//! otherwise (a panic, a failed wait) is replaced too: [`Pool::tend`] keeps the pool at its
//! size. A TLS connection parks only when rustls holds no decrypted input either, since the
//! socket no longer shows what rustls took from it (`conn::Stream::buffered`); one woken by a
//! record that brings no input (a key update, part of a record) parks again
//! (`conn::Stream::woken`).
//! (Linux only, for epoll; elsewhere every connection keeps its thread: `pool_elsewhere.rs`.)

use std::collections::HashMap;
use std::net::TcpStream;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustix::event::epoll;

use super::conn::{Conn, End};
use super::{lock, Server};

/// How long a worker may serve one connection before another takes its place in the pool.
pub const LONG: Duration = Duration::from_millis(20);

/// How long a worker waits for a ready connection before it looks whether the pool stops.
const TICK: Duration = Duration::from_millis(100);

/// What is done with a connection that ended: it is logged and its books closed.
pub type Ended = Box<dyn Fn(u64, End) + Send + Sync>;

/// The parked connections and the workers that serve them.
pub struct Pool {
    epoll: OwnedFd,
    parked: Mutex<HashMap<u64, Parked>>,
    workers: Mutex<Vec<Arc<Worker>>>,
    /// How many workers wait for ready connections.
    size: usize,
    epoch: Instant,
    quit: AtomicBool,
    server: Arc<Server>,
    ended: Ended,
}

/// A connection waiting for its client: its state and its socket (for the epoll set).
pub struct Parked {
    conn: Conn,
    tcp: Arc<TcpStream>,
    registered: bool,
}

impl Parked {
    /// A connection to park, whose socket is `tcp`.
    pub fn new(conn: Conn, tcp: Arc<TcpStream>) -> Parked {
        Parked { conn, tcp, registered: false }
    }
}

/// One worker's state, as the pool sees it.
#[derive(Default)]
struct Worker {
    /// When it took its connection (microseconds since the pool's epoch, plus one), or 0.
    busy_since: AtomicU64,
    /// Whether it was let go (it ends once its connection is parked).
    released: AtomicBool,
    /// Whether its thread ended other than by being let go.
    gone: AtomicBool,
}

/// Marks its worker gone when its thread ends, by returning or by a panic.
struct Leaving<'a>(&'a Worker);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.gone.store(true, Ordering::SeqCst);
    }
}

impl Pool {
    /// A pool of `workers` threads serving the connections of `server`; `ended` is told of
    /// each connection that ends.
    pub fn start(server: Arc<Server>, workers: usize, ended: Ended) -> std::io::Result<Arc<Pool>> {
        let pool = Arc::new(Pool {
            epoll: epoll::create(epoll::CreateFlags::CLOEXEC)?,
            parked: Mutex::default(),
            workers: Mutex::default(),
            size: workers.max(1),
            epoch: Instant::now(),
            quit: AtomicBool::new(false),
            server,
            ended,
        });
        pool.tend();
        Ok(pool)
    }

    /// Starts a worker.
    fn hire(self: &Arc<Self>) -> std::io::Result<()> {
        let me = Arc::new(Worker::default());
        let (pool, w) = (self.clone(), me.clone());
        std::thread::Builder::new().name("bolt-worker".into()).spawn(move || pool.work(&w))?;
        lock(&self.workers).push(me);
        Ok(())
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64 + 1
    }

    /// Parks a connection until its client sends something.
    pub fn park(&self, mut p: Parked) {
        if self.quit.load(Ordering::SeqCst) {
            // Served after the pool stopped (at the end of a long request): it ends now.
            return self.end(p, End::Closed);
        }
        let id = p.conn.id;
        let flags = epoll::EventFlags::IN | epoll::EventFlags::RDHUP | epoll::EventFlags::ONESHOT;
        let data = epoll::EventData::new_u64(id);
        let first = !std::mem::replace(&mut p.registered, true);
        // In the table before its socket is armed (the worker woken finds it there), and armed
        // outside the table's lock, through a handle of its own that keeps the socket open.
        let tcp = p.tcp.clone();
        lock(&self.parked).insert(id, p);
        let armed = if first {
            epoll::add(&self.epoll, &*tcp, data, flags)
        } else {
            epoll::modify(&self.epoll, &*tcp, data, flags)
        };
        // A failed arm ends it; so does a stop that began meanwhile (after emptying the table).
        // Whoever takes it out of the table ends it.
        let why = match armed {
            Err(e) => End::Io(e.into()),
            Ok(()) if self.quit.load(Ordering::SeqCst) => End::Closed,
            Ok(()) => return,
        };
        if let Some(p) = lock(&self.parked).remove(&id) {
            self.end(p, why);
        }
    }

    /// Closes a connection that ended.
    fn end(&self, mut p: Parked, end: End) {
        self.unregister(&p);
        p.conn.close();
        (self.ended)(p.conn.id, end);
    }

    /// Takes a connection's socket out of the epoll set.
    fn unregister(&self, p: &Parked) {
        if p.registered {
            let _ = epoll::delete(&self.epoll, &*p.tcp);
        }
    }

    /// A worker: serves ready connections until the pool stops or lets it go.
    fn work(&self, me: &Worker) {
        let _leaving = Leaving(me);
        let mut events: Vec<epoll::Event> = Vec::with_capacity(1);
        let tick = rustix::event::Timespec { tv_sec: 0, tv_nsec: TICK.as_nanos() as i64 };
        while !self.quit.load(Ordering::SeqCst) && !me.released.load(Ordering::SeqCst) {
            events.clear();
            // One at a time: other ready connections stay for the other workers.
            match epoll::wait(&self.epoll, rustix::buffer::spare_capacity(&mut events), Some(&tick)) {
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => {
                    self.server.log(&format!("a Bolt worker stops: waiting for connections failed: {e}"));
                    return;
                }
            }
            for ev in events.drain(..) {
                let id = ev.data.u64();
                let Some(mut p) = lock(&self.parked).remove(&id) else { continue };
                me.busy_since.store(self.now(), Ordering::SeqCst);
                p.conn.wake();
                let turn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p.conn.turn()));
                me.busy_since.store(0, Ordering::SeqCst);
                match turn {
                    Ok(None) => self.park(p),
                    Ok(Some(end)) => self.end(p, end),
                    Err(_) => {
                        // A bug: the connection ends (dropping its clients rolls back what they
                        // had open), and the server goes on.
                        self.unregister(&p);
                        let why = "silkgraph failed serving it (a bug: see the panic above)";
                        (self.ended)(p.conn.id, End::Protocol(why.into()));
                    }
                }
            }
        }
    }

    /// Lets go of the workers busy with one connection for longer than [`LONG`], forgets the
    /// ones that ended, and starts as many as the pool lacks. Called often (by the accepting
    /// loop).
    pub fn tend(self: &Arc<Self>) {
        if self.quit.load(Ordering::SeqCst) {
            return;
        }
        let now = self.now();
        let long = LONG.as_micros() as u64;
        let lacking = {
            let mut workers = lock(&self.workers);
            workers.retain(|w| {
                let since = w.busy_since.load(Ordering::SeqCst);
                if since != 0 && now.saturating_sub(since) > long {
                    w.released.store(true, Ordering::SeqCst);
                }
                !w.released.load(Ordering::SeqCst) && !w.gone.load(Ordering::SeqCst)
            });
            self.size.saturating_sub(workers.len())
        };
        for _ in 0..lacking {
            if let Err(e) = self.hire() {
                // Tried again at the next call.
                self.server.log(&format!("cannot start a Bolt worker: {e}"));
                break;
            }
        }
    }

    /// Stops the workers (once they finish what they serve) and closes the connections parked.
    pub fn stop(&self) {
        self.quit.store(true, Ordering::SeqCst);
        let parked: Vec<Parked> = lock(&self.parked).drain().map(|(_, p)| p).collect();
        for p in parked {
            self.end(p, End::Closed);
        }
    }
}
