//! One graph shared by many clients (the server): snapshot reads beside one writer.
//!
//! The last committed state is an immutable [`Snapshot`] behind an `Arc`. A reader takes the
//! `Arc` (a pointer copy) and reads that state for as long as it likes: it never sees a later
//! commit, nor half of one. One writer at a time works on its own copy of the graph; its commit
//! is appended to the database's log and published as the new snapshot in one pointer swap, and
//! acknowledged once the log is synced (see [`Durable`]: commits that come together share one
//! sync). A reader never sees a commit before it is on disk: one that arrives during the sync
//! waits for it. Nothing a reader does blocks a commit.
//!
//! The writer's copy is kept between transactions: after a commit, the snapshot it replaced is
//! brought up to date with the transaction's changes (`store::Change`, what the log holds) and
//! becomes the next writer's copy, so a commit costs its changes twice, not a copy of the graph.
//! When a reader still holds the replaced snapshot, it waits with the changes since: the next
//! writer takes it once its readers are done; only if they are not is the new one cloned.

use std::fs::File;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::tx::{tx_error, Record, Tx};
use crate::db::{CheckpointStart, Database};
use crate::error::{Detail, Error, Kind, Result};
use crate::exec::Control;
use crate::store::Graph;

/// A committed state of the graph, read by any number of clients at once.
#[derive(Debug)]
pub struct Snapshot {
    /// The graph as of the commit.
    pub graph: Graph,
    /// How many transactions that changed something had committed (0 when opened).
    pub version: u64,
    /// The number of the log record of its last commit (0: none since opening, or no log):
    /// it is read only once that record is on disk.
    pub record: u64,
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
    /// Group commit: how much of the log is on disk.
    durable: Mutex<Durable>,
    synced: Condvar,
    /// A checkpoint runs in the background.
    checkpointing: AtomicBool,
}

/// What of the database's log is synced, and who syncs it. A commit appends its record while
/// it holds the writer, lets the writer go, then waits until its record is synced: the first
/// to wait syncs every record appended so far in one `fsync`, the others wait for that one.
/// So commits that arrive while one syncs are made durable together (group commit).
#[derive(Debug, Default)]
struct Durable {
    /// The number of the last record appended, and the log file it is in.
    appended: u64,
    file: Option<Arc<File>>,
    /// Every record up to this number is on disk.
    synced: u64,
    /// A thread is syncing now.
    syncing: bool,
    /// Why a sync failed: from then on nothing is known to be durable and writes are refused.
    failed: Option<String>,
    /// How many syncs group commit made.
    syncs: u64,
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
        // What the log held when it was opened is on disk.
        let (last, file) = db.as_ref().and_then(Database::appended).map_or((0, None), |(n, f)| (n, Some(f)));
        Arc::new(Shared {
            current: RwLock::new(Arc::new(Snapshot { graph, version: 0, record: 0 })),
            writer: Mutex::new(Some(Writer { db, spare: None, lagging: None })),
            freed: Condvar::new(),
            read_only,
            durable: Mutex::new(Durable { appended: last, file, synced: last, ..Durable::default() }),
            synced: Condvar::new(),
            checkpointing: AtomicBool::new(false),
        })
    }

    /// Whether writes are refused.
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// The last committed state, once it is durable (a commit whose sync is under way is
    /// waited for: a reader never sees what a crash could still take back).
    pub fn snapshot(&self) -> Arc<Snapshot> {
        // The wait holds no snapshot: one still held when the next commit is published makes
        // the writer after it copy the whole graph. (A failed sync refuses every write from
        // then on; what is in memory is still read.)
        for _ in 0..3 {
            let n = self.latest().record;
            if n == 0 || self.wait_synced(n).is_err() {
                break;
            }
            let s = self.latest();
            if s.record <= lock(&self.durable).synced {
                return s;
            }
        }
        let s = self.latest();
        if s.record > 0 {
            let _ = self.wait_synced(s.record);
        }
        s
    }

    /// The last committed state, durable or about to be (what the next write builds on, and
    /// what a statement is planned on: planning reads names and counts, never rows).
    pub(crate) fn latest(&self) -> Arc<Snapshot> {
        self.current.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Waits until log record `n` is on disk, syncing the log itself when no other thread is
    /// (see [`Durable`]).
    fn wait_synced(&self, n: u64) -> std::result::Result<(), String> {
        let mut st = lock(&self.durable);
        loop {
            if st.synced >= n {
                return Ok(());
            }
            if let Some(why) = &st.failed {
                return Err(why.clone());
            }
            if st.syncing {
                st = self.synced.wait(st).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            st.syncing = true;
            let (target, file) = (st.appended, st.file.clone());
            drop(st);
            let r = file.map_or(Ok(()), |f| f.sync_data());
            st = lock(&self.durable);
            st.syncing = false;
            match r {
                Ok(()) => {
                    st.synced = st.synced.max(target);
                    st.syncs += 1;
                }
                Err(e) => {
                    st.failed = Some(format!(
                        "the log could not be synced ({e}); the database takes no more writes: restart it to recover what is on disk"
                    ))
                }
            }
            self.synced.notify_all();
        }
    }

    /// How many times the log was synced for commits (group commit makes it fewer than the
    /// commits when they come together).
    pub fn log_syncs(&self) -> u64 {
        lock(&self.durable).syncs
    }

    /// Notes a record appended (by the writer), or a checkpoint that put everything up to `n`
    /// on disk with a new log `file`.
    fn note_log(&self, n: u64, file: Arc<File>, on_disk: bool) {
        let mut st = lock(&self.durable);
        st.appended = st.appended.max(n);
        st.file = Some(file);
        if on_disk {
            st.synced = st.synced.max(n);
            self.synced.notify_all();
        }
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
        if let Some(why) = lock(&self.durable).failed.clone() {
            self.give_back(writer);
            return Err(Error::runtime(Kind::DatabaseError, Detail::CommitFailed, why));
        }
        let current = self.latest();
        if at.is_some_and(|v| v != current.version) {
            self.give_back(writer);
            return Err(Error::runtime(
                Kind::TransientError,
                Detail::Outdated,
                "another transaction committed since this one began reading; run it again",
            ));
        }
        let mut graph = match writer.spare.take().or_else(|| catch_up_soon(&mut writer, &current)) {
            Some(s) if s.version == current.version => s.graph,
            _ => current.graph.clone(),
        };
        let tx = Tx::begin(&mut graph);
        Ok(WriteTx {
            shared: self.clone(),
            writer: Some(writer),
            graph,
            tx: Some(tx),
            version: current.version,
            unpublished: Vec::new(),
        })
    }

    /// Checkpoints the database (the last commit written as its snapshot, its log emptied),
    /// waiting for the writer; readers go on meanwhile. Read-only shares too (no data changes).
    pub fn checkpoint(&self) -> std::result::Result<(), String> {
        let mut writer = self.take_writer(None).ok_or("the writer could not be had")?;
        let r = match writer.db.as_mut() {
            Some(db) => db.checkpoint(&self.latest().graph).map(|()| db.appended()),
            None => Ok(None),
        };
        if let Ok(Some((n, file))) = &r {
            self.note_log(*n, file.clone(), true);
        }
        self.give_back(writer);
        r.map(|_| ())
    }

    /// Writes `snap` as the database's snapshot on a thread of its own while commits go on,
    /// then (holding the writer for a moment) moves it into place with a log of the commits
    /// made meanwhile (`Database::checkpoint_finish`).
    fn checkpoint_in_background(self: &Arc<Self>, start: CheckpointStart, snap: Arc<Snapshot>) {
        let shared = self.clone();
        let spawned = std::thread::Builder::new().name("checkpoint".into()).spawn(move || {
            let bytes = snap.graph.to_snapshot();
            drop(snap);
            let r =
                bytes.and_then(|bytes| Database::checkpoint_write(&start, &bytes).map(|()| bytes)).and_then(|bytes| {
                    let mut writer = shared.take_writer(None).ok_or("the writer could not be had")?;
                    let r = match writer.db.as_mut() {
                        Some(db) => db.checkpoint_finish(&start, &bytes).map(|()| db.appended()),
                        None => Ok(None),
                    };
                    if let Ok(Some((n, file))) = &r {
                        shared.note_log(*n, file.clone(), true);
                    }
                    shared.give_back(writer);
                    r.map(|_| ())
                });
            shared.checkpointing.store(false, Ordering::SeqCst);
            if let Err(e) = r {
                eprintln!("silkgraph: a checkpoint in the background failed (the log goes on): {e}");
            }
        });
        if spawned.is_err() {
            self.checkpointing.store(false, Ordering::SeqCst);
        }
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

/// About what copying a graph costs per node and relationship (measured: 9 ms for the 1.1
/// million of the shared bench's scale 0.1).
const COPY_NANOS_PER_ELEMENT: u64 = 8;

/// [`catch_up`], waiting for the lagging snapshot's readers at most as long as copying the last
/// commit would take (then it is copied): a short read lets go within microseconds, so a writer
/// seldom copies, and never spends more than twice what the copy costs.
fn catch_up_soon(writer: &mut Writer, current: &Snapshot) -> Option<Snapshot> {
    let elements = (current.graph.node_count() + current.graph.rel_count()) as u64;
    let budget = Duration::from_nanos(elements.saturating_mul(COPY_NANOS_PER_ELEMENT));
    let start = Instant::now();
    loop {
        if let Some(s) = catch_up(writer, current) {
            return Some(s);
        }
        if writer.lagging.is_none() || start.elapsed() >= budget {
            return None;
        }
        std::thread::sleep(Duration::from_micros(50));
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
    /// The version its graph is at: the snapshot's it began from, plus one for each batch of
    /// `IN TRANSACTIONS` it committed.
    version: u64,
    /// Batches committed (durable) but not yet published, because a reader held the snapshot
    /// they would have been applied to: the next publication takes them along.
    unpublished: Vec<Commit>,
}

/// A write transaction's state while a `CALL { ... } IN TRANSACTIONS` statement runs on its
/// graph: what the hook that commits each batch needs (see [`WriteTx::run_batched`]).
struct Batches {
    shared: Arc<Shared>,
    writer: Option<Writer>,
    version: u64,
    unpublished: Vec<Commit>,
}

impl Batches {
    /// Commits the batch the graph's journal holds: appended to the log and synced (so it
    /// stays whatever the statement does next), forgotten by the journal, and published in
    /// place when no reader holds the last snapshot (else with a later batch).
    fn commit(&mut self, g: &mut dyn crate::store::GraphWrite) -> Result<()> {
        let failed = |why: String| {
            let msg = format!("a batch could not be made durable; the batches before it are kept: {why}");
            Error::runtime(Kind::DatabaseError, Detail::CommitFailed, msg)
        };
        let payload = g.encode_journal();
        if payload.is_empty() {
            return Ok(());
        }
        let Some(writer) = self.writer.as_mut() else { return Err(failed("the writer is gone".into())) };
        let changes = crate::store::decode_changes(&payload).map_err(failed)?;
        let n = match writer.db.as_mut() {
            Some(db) => {
                let (n, file) = db.append_encoded(&payload).map_err(failed)?;
                self.shared.note_log(n, file, false);
                n
            }
            None => 0,
        };
        g.forget_journal();
        if n > 0 {
            self.shared.wait_synced(n).map_err(failed)?;
        }
        self.version += 1;
        self.unpublished.push(Arc::new(changes));
        // No reader can take the snapshot while the lock is held: if none holds it now, it is
        // brought up to this batch where it is.
        let mut current = self.shared.current.write().unwrap_or_else(|e| e.into_inner());
        if let Some(snap) = Arc::get_mut(&mut current) {
            if !self.unpublished.iter().all(|c| snap.graph.apply_changes(c).is_ok()) {
                // (Never seen: the snapshot and the changes come from one history.)
                if let Some(g) = g.as_graph_mut() {
                    snap.graph = g.clone();
                }
            }
            snap.version = self.version;
            snap.record = n;
            let published = std::mem::take(&mut self.unpublished);
            if let Some((_, pending)) = writer.lagging.as_mut() {
                pending.extend(published);
            }
        }
        Ok(())
    }
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

    /// Commits: its record appended to the database's log, published for every reader that
    /// starts after (once the record is on disk), and acknowledged (this returns) only once it
    /// is durable; an error before the record is written rolls everything back (but the batches
    /// of `IN TRANSACTIONS` committed before it). The writer is free for the next transaction
    /// while the log syncs, so commits that come together are synced together.
    pub fn commit(mut self) -> Result<()> {
        let (Some(tx), Some(mut writer)) = (self.tx.take(), self.writer.take()) else {
            return Err(tx_error(Detail::NoTransaction, "the transaction has ended"));
        };
        let mut graph = std::mem::take(&mut self.graph);
        let (changes, record) = match tx.commit_to(&mut graph, writer.db.as_mut(), true, false) {
            Ok(c) => c,
            Err(e) => {
                self.publish(writer, graph, 0);
                return Err(e);
            }
        };
        if !changes.is_empty() {
            self.version += 1;
            self.unpublished.push(Arc::new(changes));
        }
        let n = match record {
            Record::Appended((n, file)) => {
                self.shared.note_log(n, file, false);
                n
            }
            Record::Checkpoint => {
                // Durable now, and in a new log: later records are synced there.
                if let Some((n, file)) = writer.db.as_ref().and_then(Database::appended) {
                    self.shared.note_log(n, file, true);
                }
                0
            }
            Record::None => 0,
        };
        let shared = self.shared.clone();
        self.publish(writer, graph, n);
        if n > 0 {
            shared.wait_synced(n).map_err(|why| Error::runtime(Kind::DatabaseError, Detail::CommitFailed, why))?;
        }
        Ok(())
    }

    /// Publishes the graph, when it holds commits readers have not seen, as the snapshot of
    /// `self.version` (log record `n`), and gives the writer back with a copy for the next
    /// transaction.
    fn publish(&mut self, mut writer: Writer, graph: Graph, n: u64) {
        let shared = self.shared.clone();
        let version = self.version;
        if self.unpublished.is_empty() {
            writer.spare = Some(Snapshot { graph, version, record: 0 });
            shared.give_back(writer);
            return;
        }
        // A long log is checkpointed in the background, from the snapshot published now.
        let checkpoint = writer
            .db
            .as_ref()
            .filter(|db| db.wants_checkpoint() && !shared.checkpointing.swap(true, Ordering::SeqCst))
            .map(|db| db.checkpoint_start());
        let ids = graph.next_ids();
        let published = Arc::new(Snapshot { graph, version, record: n });
        match checkpoint {
            Some(Some(start)) => shared.checkpoint_in_background(start, published.clone()),
            Some(None) => shared.checkpointing.store(false, Ordering::SeqCst),
            None => {}
        }
        let old = std::mem::replace(&mut *shared.current.write().unwrap_or_else(|e| e.into_inner()), published);
        // The replaced snapshot, if no reader holds it, becomes the next writer's copy; if one
        // does, it waits (with the changes since) for its readers to finish.
        let commits = std::mem::take(&mut self.unpublished);
        match Arc::try_unwrap(old) {
            Ok(mut s) => {
                // (A lagging older one is not needed any more: let its memory go.)
                writer.lagging = None;
                writer.spare = commits.iter().all(|c| s.graph.apply_changes(c).is_ok()).then(|| {
                    s.graph.skip_ids_to(ids.0, ids.1);
                    s.version = version;
                    s
                });
            }
            Err(held) => match writer.lagging.as_mut() {
                // An older one still waiting takes these changes too.
                Some((_, pending)) => pending.extend(commits),
                None => writer.lagging = Some((held, commits)),
            },
        }
        shared.give_back(writer);
    }

    /// Runs `f`, a `CALL { ... } IN TRANSACTIONS` statement, on the transaction's graph with
    /// each batch committed as it ends: durable in the log, and seen by the readers that start
    /// after it (at once when no reader holds the last snapshot, else with a later batch or
    /// the statement's end). A failure after a batch takes back only what came after it.
    pub fn run_batched<T>(
        &mut self,
        control: &mut Control,
        f: impl FnOnce(&mut Graph, &mut Control) -> Result<T>,
    ) -> Result<T> {
        let batches = Arc::new(Mutex::new(Batches {
            shared: self.shared.clone(),
            writer: self.writer.take(),
            version: self.version,
            unpublished: std::mem::take(&mut self.unpublished),
        }));
        let hook = batches.clone();
        control.durable = Some(crate::exec::Durable(Arc::new(move |g| lock(&hook).commit(g))));
        let r = f(&mut self.graph, control);
        control.durable = None;
        let mut b = lock(&batches);
        self.writer = b.writer.take();
        self.version = b.version;
        self.unpublished = std::mem::take(&mut b.unpublished);
        r
    }

    /// Rolls back: nothing of it is kept (but batches of `IN TRANSACTIONS` it committed).
    pub fn rollback(mut self) {
        self.end();
    }

    fn end(&mut self) {
        if let (Some(tx), Some(writer)) = (self.tx.take(), self.writer.take()) {
            let mut graph = std::mem::take(&mut self.graph);
            tx.rollback(&mut graph);
            self.publish(writer, graph, 0);
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
    use crate::value::NodeId;

    /// A database in a fresh directory `silkgraph-{name}-PID`, shared: the directory, the
    /// database's path and the share.
    fn on_disk(name: &str) -> (std::path::PathBuf, std::path::PathBuf, Arc<Shared>) {
        let d = std::env::temp_dir().join(format!("silkgraph-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        let path = d.join("g.sg");
        let o = Database::open(&path, false).unwrap();
        (d, path, Shared::new(o.graph, Some(o.db), false))
    }

    /// Commits one transaction that creates a node `:N {i: i}` for each `i` of `is`.
    fn commit_nodes(s: &Arc<Shared>, is: std::ops::Range<i64>) {
        let mut w = s.begin_write(None, WRITE_WAIT).unwrap();
        for i in is {
            w.graph().create_node(["N"], vec![("i", crate::value::Value::Int(i))]);
        }
        w.commit().unwrap();
    }

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
                g.create_rel(n, NodeId(0), "T", vec![]);
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
                g.create_rel(n, NodeId(0), "T", vec![]);
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
            g.delete_node(NodeId(0), true).unwrap();
        });
        assert_eq!(count(&s), (7, 0));
        assert_eq!(s.snapshot().version, 8);
        // And the copy after that one agrees too.
        write(&|g| assert_eq!((g.node_count(), g.rel_count()), (7, 0)));
    }

    #[test]
    fn commits_that_come_while_the_log_syncs_are_synced_together_and_kept() {
        let (d, path, s) = on_disk("group");
        let commit = |s: &Arc<Shared>, i: i64| commit_nodes(s, i..i + 1);
        commit(&s, 0);
        assert_eq!(s.log_syncs(), 1);
        // A sync under way (as if another commit's): five commits append and wait for it.
        lock(&s.durable).syncing = true;
        let waiting: Vec<_> = (1..=5)
            .map(|i| {
                let s = s.clone();
                std::thread::spawn(move || commit(&s, i))
            })
            .collect();
        while s.latest().version < 6 {
            std::thread::sleep(Duration::from_millis(1));
        }
        // Appended and published but not on disk: a reader waits rather than see them.
        let (appended, synced) = {
            let st = lock(&s.durable);
            (st.appended, st.synced)
        };
        assert_eq!((appended, synced), (6, 1));
        let reader = {
            let s = s.clone();
            std::thread::spawn(move || s.snapshot().graph.node_count())
        };
        std::thread::sleep(Duration::from_millis(20));
        assert!(!reader.is_finished(), "a reader does not read commits before they are on disk");
        {
            let mut st = lock(&s.durable);
            st.syncing = false;
            s.synced.notify_all();
        }
        for t in waiting {
            t.join().unwrap();
        }
        assert_eq!(reader.join().unwrap(), 6, "the reader saw every commit, once durable");
        assert_eq!(s.log_syncs(), 2, "one sync made the five durable");
        drop(s);
        let o = Database::open(&path, false).unwrap();
        let mut got: Vec<i64> = o
            .graph
            .node_ids()
            .filter_map(|n| match o.graph.node_prop(n, o.graph.keys().get("i").unwrap()) {
                Some(crate::value::Value::Int(i)) => Some(i),
                _ => None,
            })
            .collect();
        got.sort_unstable();
        assert_eq!(got, (0..=5).collect::<Vec<_>>());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_bulk_commit_is_a_checkpoint_that_makes_the_commits_waiting_for_a_sync_durable_too() {
        let (d, path, s) = on_disk("bulk");
        let commit = |s: &Arc<Shared>, n: i64| commit_nodes(s, 0..n);
        commit(&s, 1);
        // A sync under way (as if another commit's): a small commit appends and waits for it.
        lock(&s.durable).syncing = true;
        let small = {
            let s = s.clone();
            std::thread::spawn(move || commit(&s, 1))
        };
        while s.latest().version < 2 {
            std::thread::sleep(Duration::from_millis(1));
        }
        // A bulk commit writes the snapshot instead of a log record: durable at once, and so is
        // the small commit before it, which stops waiting for the sync that never ends.
        commit(&s, 70_000);
        small.join().unwrap();
        assert_eq!(std::fs::metadata(d.join("g.sg-wal")).unwrap().len(), 32, "a new, empty log");
        {
            let mut st = lock(&s.durable);
            st.syncing = false;
            s.synced.notify_all();
        }
        // The next commit goes to the new log.
        commit(&s, 1);
        assert!(std::fs::metadata(d.join("g.sg-wal")).unwrap().len() > 32);
        drop(s);
        let o = Database::open(&path, false).unwrap();
        assert_eq!(o.graph.node_count(), 70_003, "every commit is kept");
        let _ = std::fs::remove_dir_all(&d);
    }
}
