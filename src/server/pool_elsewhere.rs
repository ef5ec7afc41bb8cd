//! Where there is no epoll (not Linux), no pool: every Bolt connection keeps its own thread, as
//! [`Pool::start`] says it is unsupported. The same names as `pool.rs`, so `serve` reads alike.

use std::net::TcpStream;
use std::sync::Arc;

use super::conn::{Conn, End};
use super::Server;

/// What is done with a connection that ended.
pub type Ended = Box<dyn Fn(u64, End) + Send + Sync>;

/// No pool.
pub struct Pool;

/// A connection to park (never made here).
pub struct Parked;

impl Parked {
    pub fn new(_conn: Conn, _tcp: Arc<TcpStream>) -> Parked {
        Parked
    }
}

impl Pool {
    /// Unsupported here.
    pub fn start(_server: Arc<Server>, _workers: usize, _ended: Ended) -> std::io::Result<Arc<Pool>> {
        Err(std::io::ErrorKind::Unsupported.into())
    }

    pub fn park(&self, _p: Parked) {}

    pub fn tend(self: &Arc<Self>) {}

    pub fn stop(&self) {}
}
