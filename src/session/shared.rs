//! One graph shared by many clients (the server): snapshot reads beside one writer.
//!
//! The last committed state is an immutable [`Snapshot`] behind an `Arc`. A reader takes the
//! `Arc` (a pointer copy) and reads that state for as long as it likes: it never sees a later
//! commit, nor half of one. One writer at a time works on its own copy of the graph; its commit
//! is made durable (the database's log), then published as the new snapshot in one pointer swap.
//! Nothing a reader does blocks a commit and no commit blocks a reader.
//!
//! The writer's copy is kept between transactions: after a commit, the snapshot it replaced is
//! brought up to date with the transaction's changes (`store::Change`, what the log holds) and
//! becomes the next writer's copy, so a commit costs its changes twice, not a copy of the graph.
//! When a reader still holds the replaced snapshot, it waits with the changes since: the next
//! writer takes it once its readers are done; only if they are not is the new one cloned.

use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::tx::{tx_error, Tx};
use crate::db::Database;
use crate::error::{Detail, Error, Kind, Result};
use crate::store::Graph;

/// A committed state of the graph, read by any number of clients at once.
#[derive(Debug)]
pub struct Snapshot {
    /// The graph as of the commit.
    pub graph: Graph,
    /// How many transactions that changed something had committed (0 when opened).
    pub version: u64,
}

/// What only the writer holds: the database log and its spare copy of the graph.
#[derive(Debug)]
struct Writer {
    db: Option<Database>,
    /// A copy of the graph at some version, for the next transaction to write on.
    spare: Option<Snapshot>,
    /// A replaced snapshot that a reader still held at the commit that replaced it, with the
    /// changes of the commits since: once its readers are done, those changes bring it up to
    /// date, and it becomes the spare without a copy of the graph.
    lagging: Option<(Arc<Snapshot>, Vec<Commit>)>,
}

/// One commit's changes.
type Commit = Arc<Vec<crate::store::Change>>;

/// A graph shared by sessions on many threads (see the module's comment).
#[derive(Debug)]
pub struct Shared {
    current: RwLock<Arc<Snapshot>>,
    /// `None` while a write transaction holds the writer.
    writer: Mutex<Option<Writer>>,
    freed: Condvar,
    read_only: bool,
}

/// How long a write waits for another client's write transaction before it gives up with a
/// transient error (which drivers retry).
pub const WRITE_WAIT: Duration = Duration::from_secs(10);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic on another thread does not leave the writer half done: its guard rolls back.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// Shares a graph: a database's (every commit durable in its log), or one in memory.
    /// `read_only` refuses every write.
    pub fn new(graph: Graph, db: Option<Database>, read_only: bool) -> Arc<Shared> {
        let read_only = read_only || db.as_ref().is_some_and(Database::read_only);
        Arc::new(Shared {
            current: RwLock::new(Arc::new(Snapshot { graph, version: 0 })),
            writer: Mutex::new(Some(Writer { db, spare: None, lagging: None })),
            freed: Condvar::new(),
            read_only,
        })
    }

    /// Whether writes are refused.
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// The last committed state.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Starts the one write transaction, waiting up to `wait` for the one running to end. The
    /// transaction writes on a copy of the last commit, which it must be at: `at`, the version
    /// the caller's reads saw, if it is older than the last commit the caller would write over
    /// changes it has not seen, and the transaction is refused as outdated (a transient error,
    /// so a driver retries it).
    pub fn begin_write(self: &Arc<Shared>, at: Option<u64>, wait: Duration) -> Result<WriteTx> {
        if self.read_only {
            return Err(Error::runtime(
                Kind::TransactionError,
                Detail::WriteOnReadOnly,
                "this database is open read-only; it takes no writes",
            ));
        }
        let Some(mut writer) = self.take_writer(Some(Instant::now() + wait)) else {
            return Err(Error::runtime(
                Kind::TransientError,
                Detail::LockTimeout,
                format!("another transaction held the write lock for {}s; try again", wait.as_secs()),
            ));
        };
        let current = self.snapshot();
        if at.is_some_and(|v| v != current.version) {
            self.give_back(writer);
            return Err(Error::runtime(
                Kind::TransientError,
                Detail::Outdated,
                "another transaction committed since this one began reading; run it again",
            ));
        }
        let mut graph = match writer.spare.take().or_else(|| catch_up(&mut writer, &current)) {
            Some(s) if s.version == current.version => s.graph,
            _ => current.graph.clone(),
        };
        let tx = Tx::begin(&mut graph);
        Ok(WriteTx { shared: self.clone(), writer: Some(writer), graph, tx: Some(tx), version: current.version })
    }

    /// Checkpoints the database (the last commit written as its snapshot, its log emptied),
    /// waiting for the writer; readers go on meanwhile. Read-only shares too (no data changes).
    pub fn checkpoint(&self) -> std::result::Result<(), String> {
        let mut writer = self.take_writer(None).ok_or("the writer could not be had")?;
        let r = match writer.db.as_mut() {
            Some(db) => db.checkpoint(&self.snapshot().graph),
            None => Ok(()),
        };
        self.give_back(writer);
        r
    }

    /// The writer, waiting for it until `deadline` (or for ever); `None` past the deadline.
    fn take_writer(&self, deadline: Option<Instant>) -> Option<Writer> {
        let mut slot = lock(&self.writer);
        loop {
            if let Some(w) = slot.take() {
                return Some(w);
            }
            slot = match deadline {
                None => self.freed.wait(slot).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return None;
                    }
                    self.freed.wait_timeout(slot, left).unwrap_or_else(|e| e.into_inner()).0
                }
            };
        }
    }

    fn give_back(&self, writer: Writer) {
        *lock(&self.writer) = Some(writer);
        self.freed.notify_one();
    }
}

/// The lagging snapshot brought up to `current`, if its readers are done with it (else it goes
/// on waiting, and `None`).
fn catch_up(writer: &mut Writer, current: &Snapshot) -> Option<Snapshot> {
    let (held, pending) = writer.lagging.take()?;
    match Arc::try_unwrap(held) {
        Ok(mut s) => {
            for changes in &pending {
                s.graph.apply_changes(changes).ok()?;
            }
            let (n, r) = current.graph.next_ids();
            s.graph.skip_ids_to(n, r);
            s.version = current.version;
            Some(s)
        }
        Err(held) => {
            writer.lagging = Some((held, pending));
            None
        }
    }
}

/// The one write transaction: its own copy of the graph, and the writer's log. Dropped without
/// [`WriteTx::commit`] it rolls back.
#[derive(Debug)]
pub struct WriteTx {
    shared: Arc<Shared>,
    writer: Option<Writer>,
    graph: Graph,
    tx: Option<Tx>,
    version: u64,
}

impl WriteTx {
    /// The graph the transaction reads and writes (its own changes included).
    pub fn graph(&mut self) -> &mut Graph {
        &mut self.graph
    }

    /// The version of the snapshot it began from.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Commits: durable first (on a database), then published for every reader that starts
    /// after; an error rolls everything back.
    pub fn commit(mut self) -> Result<()> {
        let (Some(tx), Some(mut writer)) = (self.tx.take(), self.writer.take()) else {
            return Err(tx_error(Detail::NoTransaction, "the transaction has ended"));
        };
        let mut graph = std::mem::take(&mut self.graph);
        let changes = match tx.commit(&mut graph, writer.db.as_mut(), true) {
            Ok(c) => c,
            Err(e) => {
                writer.spare = Some(Snapshot { graph, version: self.version });
                self.shared.give_back(writer);
                return Err(e);
            }
        };
        if changes.is_empty() {
            writer.spare = Some(Snapshot { graph, version: self.version });
            self.shared.give_back(writer);
            return Ok(());
        }
        let version = self.version + 1;
        let checkpoint = match writer.db.as_mut().filter(|db| db.wants_checkpoint()) {
            Some(db) => db.checkpoint(&graph),
            None => Ok(()),
        };
        let ids = graph.next_ids();
        let old = std::mem::replace(
            &mut *self.shared.current.write().unwrap_or_else(|e| e.into_inner()),
            Arc::new(Snapshot { graph, version }),
        );
        // The replaced snapshot, if no reader holds it, becomes the next writer's copy; if one
        // does, it waits (with the changes since) for its readers to finish.
        let changes = Arc::new(changes);
        match Arc::try_unwrap(old) {
            Ok(mut s) => {
                // (A lagging older one is not needed any more: let its memory go.)
                writer.lagging = None;
                writer.spare = s.graph.apply_changes(&changes).ok().map(|()| {
                    s.graph.skip_ids_to(ids.0, ids.1);
                    s.version = version;
                    s
                });
            }
            Err(held) => match writer.lagging.as_mut() {
                // An older one still waiting takes these changes too.
                Some((_, pending)) => pending.push(changes),
                None => writer.lagging = Some((held, vec![changes])),
            },
        }
        self.shared.give_back(writer);
        checkpoint.map_err(|why| Error::runtime(Kind::DatabaseError, Detail::None, why))
    }

    /// Rolls back: nothing of it is kept.
    pub fn rollback(mut self) {
        self.end();
    }

    fn end(&mut self) {
        if let (Some(tx), Some(mut writer)) = (self.tx.take(), self.writer.take()) {
            let mut graph = std::mem::take(&mut self.graph);
            tx.rollback(&mut graph);
            writer.spare = Some(Snapshot { graph, version: self.version });
            self.shared.give_back(writer);
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        self.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(s: &Arc<Shared>) -> (usize, usize) {
        let snap = s.snapshot();
        (snap.graph.node_count(), snap.graph.rel_count())
    }

    #[test]
    fn a_snapshot_held_across_commits_catches_up_once_released_and_writes_go_on_right() {
        let s = Shared::new(Graph::default(), None, false);
        let write = |f: &dyn Fn(&mut Graph)| {
            let mut w = s.begin_write(None, WRITE_WAIT).unwrap();
            f(w.graph());
            w.commit().unwrap();
        };
        write(&|g| {
            let a = g.create_node(["A"], vec![]);
            let b = g.create_node(["B"], vec![]);
            g.create_rel(a, b, "T", vec![]);
        });
        // A reader holds version 1 across three commits.
        let held = s.snapshot();
        for i in 0..3 {
            write(&|g| {
                let n = g.create_node(["C"], vec![("i", crate::value::Value::Int(i))]);
                g.create_rel(n, 0, "T", vec![]);
            });
        }
        assert_eq!((held.graph.node_count(), held.version), (2, 1), "the reader's view did not move");
        drop(held);
        // Readers that each hold a snapshot across one commit: every next writer catches the
        // lagging copy up (no clone).
        for i in 3..6 {
            let held = s.snapshot();
            write(&|g| {
                let n = g.create_node(["C"], vec![("i", crate::value::Value::Int(i))]);
                g.create_rel(n, 0, "T", vec![]);
            });
            drop(held);
            let w = s.begin_write(None, WRITE_WAIT).unwrap();
            assert!(s.writer.lock().unwrap().is_none());
            drop(w);
            assert!(lock(&s.writer).as_ref().unwrap().lagging.is_none(), "caught up");
        }
        // The next writer takes the lagging copy, brought up to date.
        write(&|g| {
            assert_eq!((g.node_count(), g.rel_count()), (8, 7));
            g.delete_node(0, true).unwrap();
        });
        assert_eq!(count(&s), (7, 0));
        assert_eq!(s.snapshot().version, 8);
        // And the copy after that one agrees too.
        write(&|g| assert_eq!((g.node_count(), g.rel_count()), (7, 0)));
    }
}
