//! A database: a graph kept on disk that keeps every committed transaction.
//!
//! On disk a database `PATH` is a snapshot file (`PATH`, the `.sg` form `silkgraph import` and
//! `:save` write, so either opens as a database), its write-ahead log (`PATH-wal`) and a lock
//! file (`PATH-lock`) that only one writing process can hold. A commit appends the transaction's
//! changes to the log and syncs it before the commit is acknowledged; a checkpoint writes a new
//! snapshot (atomically: a temporary file, synced, renamed) and starts an empty log; opening
//! loads the snapshot and replays the log, dropping a torn last record with a notice. A copy of
//! `PATH` taken after a checkpoint (`:checkpoint`, or closing) is a complete backup.

pub mod wal;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::file::write_atomic;
use crate::store::{decode_changes, encode_changes, Change, Graph};

/// Part of the error when another process has the database open for writing.
pub const LOCKED: &str = "is open for writing in another process";

/// A log longer than this is checkpointed at the next commit.
pub const CHECKPOINT_BYTES: u64 = 64 << 20;

/// Where a checkpoint in the background began: the log it continues and how far that log went.
#[derive(Debug, Clone)]
pub struct CheckpointStart {
    /// The database's snapshot file.
    path: PathBuf,
    /// Which log (a checkpoint of any kind starts a new one).
    generation: u64,
    /// Where the log ended: what comes after is not in the snapshot.
    offset: u64,
    /// The number of the first transaction not in the snapshot.
    first: u64,
}

/// An open database: where it lives, its log and its lock.
#[derive(Debug)]
pub struct Database {
    path: PathBuf,
    /// `None` when opened read-only.
    wal: Option<wal::Wal>,
    /// Held while open for writing; the lock goes with the file.
    _lock: Option<File>,
    /// Why no more commits can be kept (a checkpoint wrote its snapshot but could not start
    /// the new log: appending to the old one would be set aside at the next opening).
    broken: Option<String>,
    /// How long the log may grow before a checkpoint is wanted.
    checkpoint_bytes: u64,
    /// Counts the logs started (each checkpoint starts one).
    generation: u64,
    /// The format version of the snapshot on disk.
    format: u32,
}

/// A database as opened: the graph it holds and what opening it did that people should know.
#[derive(Debug)]
pub struct Opened {
    /// The database, open (for writing unless asked otherwise).
    pub db: Database,
    /// Its graph: the snapshot with the log replayed.
    pub graph: Graph,
    /// One line each: a database created, a torn log tail dropped, a stale log replaced.
    pub notices: Vec<String>,
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Opens a snapshot's file: the graph, the snapshot's format version and the base of a log
/// that continues it. Of a version 5 snapshot only the part before the relationships is read
/// now; they are read from the file, still open, when first needed (`store/lazy.rs`).
fn open_snapshot(path: &Path) -> Result<(Graph, u32, wal::Base, [u32; 2]), String> {
    use std::io::{Read, Seek, SeekFrom};
    let cannot = |e: std::io::Error| format!("cannot read it: {e}");
    let mut file = File::open(path).map_err(cannot)?;
    let file_len = file.metadata().map_err(cannot)?.len();
    let mut lead = Vec::new();
    (&mut file).take(crate::store::SNAPSHOT_LEAD as u64).read_to_end(&mut lead).map_err(cannot)?;
    let format = lead.get(8..12).and_then(|b| b.try_into().ok()).map_or(0, u32::from_le_bytes);
    let want = Graph::snapshot_first_len(&lead).map_or(file_len, |n| (n as u64).min(file_len));
    let mut first = Vec::with_capacity(usize::try_from(want).unwrap_or(0));
    first.extend_from_slice(&lead);
    (&mut file).take(want.saturating_sub(first.len() as u64)).read_to_end(&mut first).map_err(cannot)?;
    let mut tail = [0u8; 4];
    if file_len >= 4 {
        file.seek(SeekFrom::Start(file_len - 4)).and_then(|_| file.read_exact(&mut tail)).map_err(cannot)?;
    }
    let file = std::sync::Mutex::new(file);
    let shown = path.display().to_string();
    let load: crate::store::Loader = std::sync::Arc::new(move |at, len| {
        let cannot = |e: std::io::Error| format!("cannot read {shown}: {e}");
        let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
        let mut bytes = Vec::with_capacity(len);
        f.seek(SeekFrom::Start(at)).map_err(cannot)?;
        (&mut *f).take(len as u64).read_to_end(&mut bytes).map_err(cannot)?;
        Ok(bytes)
    });
    let (graph, sums) = Graph::open_snapshot(&first, tail, file_len, load)?;
    Ok((graph, format, wal::Base { snapshot_len: file_len, snapshot_crc: sums[0], first: 1 }, sums))
}

impl Database {
    /// Opens the database at `path`, creating an empty one if nothing is there (not when
    /// `read_only`). For writing, it takes the lock: a second writing process gets an error.
    pub fn open(path: &Path, read_only: bool) -> Result<Opened, String> {
        let shown = path.display();
        let mut notices = Vec::new();
        if !path.exists() {
            if read_only {
                return Err(format!("{shown}: no database there to open read-only"));
            }
            write_atomic(path, &Graph::new().to_snapshot()?, true)?;
            notices.push(format!("created a new, empty database at {shown}"));
        }
        let lock = if read_only {
            None
        } else {
            let lock_path = sidecar(path, "-lock");
            let f = File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock_path)
                .map_err(|e| format!("cannot open {}: {e}", lock_path.display()))?;
            if f.try_lock().is_err() {
                return Err(format!("{shown} {LOCKED}; close it there, or open it here read-only"));
            }
            Some(f)
        };
        let (mut graph, format, base, sums) = open_snapshot(path).map_err(|e| format!("{shown}: {e}"))?;
        // The base of a log is made from the checksum the snapshot's file says it has: before
        // a log is set aside for not continuing it, the whole file is read and checked, so
        // that a damaged one is refused rather than trusted.
        let verify = |g: &Graph| g.decode_all().map_err(|e| format!("{shown}: {e}"));
        let mut wal_path = sidecar(path, "-wal");
        let next_log = sidecar(path, "-wal-next");
        if next_log.exists() {
            // A checkpoint in the background moved its snapshot into place and stopped before
            // its log: that log continues the snapshot (the old one does not).
            let continues = wal::read(&next_log).is_ok_and(|l| l.base.continues(base.snapshot_len, sums));
            if !continues {
                verify(&graph)?;
            }
            match (continues, read_only) {
                (true, true) => wal_path = next_log,
                (true, false) => {
                    std::fs::rename(&next_log, &wal_path)
                        .map_err(|e| format!("cannot write {}: {e}", wal_path.display()))?;
                    crate::file::sync_dir(&wal_path);
                    notices.push(format!("{shown}: finished a checkpoint that was interrupted"));
                }
                // One that stopped before its snapshot: the old log has everything.
                (false, _) if !read_only => {
                    let _ = std::fs::remove_file(&next_log);
                }
                _ => {}
            }
        }
        if !read_only {
            let _ = std::fs::remove_file(sidecar(path, "-checkpoint"));
        }
        let wal = if !wal_path.exists() {
            (!read_only).then(|| wal::Wal::create(&wal_path, base)).transpose()?
        } else {
            let log = wal::read(&wal_path)?;
            let next = log.base.first + log.records.len() as u64;
            if !log.base.continues(base.snapshot_len, sums) {
                verify(&graph)?;
                // A checkpoint wrote the snapshot and stopped before it replaced the log: the
                // snapshot holds all of it.
                notices.push(format!("{shown}: the log of an earlier snapshot was set aside (it is in the snapshot)"));
                (!read_only).then(|| wal::Wal::create(&wal_path, wal::Base { first: next, ..base })).transpose()?
            } else {
                for (number, payload) in &log.records {
                    let changes = decode_changes(payload)
                        .map_err(|e| format!("{}: transaction {number}: {e}", wal_path.display()))?;
                    graph
                        .apply_changes(&changes)
                        .map_err(|e| format!("{}: transaction {number}: {e}", wal_path.display()))?;
                }
                if let Some(bytes) = log.torn {
                    notices.push(format!(
                        "{shown}: recovered {} committed transaction(s); dropped an unfinished last record of {bytes} bytes",
                        log.records.len()
                    ));
                }
                (!read_only).then(|| wal::Wal::open_at(&wal_path, next, log.end)).transpose()?
            }
        };
        let db = Database {
            path: path.to_path_buf(),
            wal,
            _lock: lock,
            broken: None,
            checkpoint_bytes: CHECKPOINT_BYTES,
            generation: 0,
            format,
        };
        Ok(Opened { db, graph, notices })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether it was opened read-only.
    pub fn read_only(&self) -> bool {
        self.wal.is_none() && self.broken.is_none()
    }

    fn no_log(&self) -> String {
        match &self.broken {
            Some(why) => why.clone(),
            None => format!("{} is open read-only: a change cannot be kept", self.path.display()),
        }
    }

    /// Makes a transaction's changes durable: appended to the log and synced. When this
    /// returns, the commit survives a crash.
    pub fn commit(&mut self, changes: &[Change]) -> Result<u64, String> {
        self.commit_encoded(&encode_changes(changes))
    }

    /// [`Database::commit`] of changes already encoded (`store::encode_changes`, or
    /// `Graph::encode_changes_since`).
    pub fn commit_encoded(&mut self, payload: &[u8]) -> Result<u64, String> {
        let why = self.no_log();
        self.wal.as_mut().ok_or(why)?.commit(payload)
    }

    /// Appends a transaction's encoded changes to the log without syncing (group commit): its
    /// number, and the log file to sync before the commit is acknowledged.
    pub fn append_encoded(&mut self, payload: &[u8]) -> Result<(u64, Arc<File>), String> {
        let why = self.no_log();
        let wal = self.wal.as_mut().ok_or(why)?;
        Ok((wal.append(payload)?, wal.syncer()))
    }

    /// The number the last transaction appended got (0: none yet), and the log file it is in.
    pub fn appended(&self) -> Option<(u64, Arc<File>)> {
        self.wal.as_ref().map(|w| (w.next().saturating_sub(1), w.syncer()))
    }

    /// Whether the log has grown enough to be worth a checkpoint.
    pub fn wants_checkpoint(&self) -> bool {
        self.wal.as_ref().is_some_and(|w| w.len() > self.checkpoint_bytes)
    }

    /// Wants a checkpoint once the log passes `bytes` (64 MiB unless set).
    pub fn checkpoint_after(&mut self, bytes: u64) {
        self.checkpoint_bytes = bytes;
    }

    /// Writes `g` as the new snapshot and starts an empty log after it. A crash at any point
    /// leaves either the old snapshot and its log or the new snapshot (whose log, old or new, is
    /// then known for what it is).
    pub fn checkpoint(&mut self, g: &Graph) -> Result<(), String> {
        self.checkpoint_if(g, false)
    }

    /// [`Database::checkpoint`] asked for by name (`silkgraph checkpoint`, `:checkpoint`): it
    /// also rewrites a snapshot of an older format, whose log may be empty, in this build's (a
    /// version 5 snapshot opens without decoding its relationships).
    pub fn checkpoint_now(&mut self, g: &Graph) -> Result<(), String> {
        self.checkpoint_if(g, self.format != crate::store::SNAPSHOT_VERSION)
    }

    fn checkpoint_if(&mut self, g: &Graph, old_format: bool) -> Result<(), String> {
        let Some(wal) = self.wal.as_ref() else { return Ok(()) };
        if wal.is_empty() && !old_format {
            return Ok(());
        }
        let next = wal.next();
        self.write_checkpoint(g, next).map_err(|e| match e {
            Checkpoint::NotWritten(why) | Checkpoint::LogNotStarted(why) => why,
        })
    }

    /// Commits a transaction as a checkpoint: `g`, which holds it, is written as the new
    /// snapshot and an empty log started after it, in place of a log record. This pays when the
    /// transaction made a large part of the graph (a bulk load): a snapshot is written several
    /// times faster per node than a record per change, and it is the checkpoint that closing
    /// would make anyway. When this returns `Ok`, the commit is durable; its number.
    pub fn commit_as_checkpoint(&mut self, g: &Graph) -> Result<u64, String> {
        let why = self.no_log();
        let number = self.wal.as_ref().ok_or(why)?.next();
        match self.write_checkpoint(g, number + 1) {
            // The snapshot holds the transaction: it is kept, and the next commit says why no
            // more can be.
            Ok(()) | Err(Checkpoint::LogNotStarted(_)) => Ok(number),
            Err(Checkpoint::NotWritten(why)) => Err(why),
        }
    }

    /// Writes `g` as the snapshot and starts an empty log after it whose first transaction is
    /// numbered `first`.
    fn write_checkpoint(&mut self, g: &Graph, first: u64) -> Result<(), Checkpoint> {
        let bytes = g.to_snapshot().map_err(Checkpoint::NotWritten)?;
        write_atomic(&self.path, &bytes, true).map_err(|e| Checkpoint::NotWritten(e.into()))?;
        self.generation += 1;
        self.format = crate::store::SNAPSHOT_VERSION;
        match wal::Wal::create(&sidecar(&self.path, "-wal"), wal::Base::of(&bytes, first)) {
            Ok(w) => self.wal = Some(w),
            Err(e) => {
                // The snapshot holds everything; a commit appended to the old log now would be
                // set aside at the next opening, so none is taken.
                self.wal = None;
                let why = format!("{e}; the checkpoint's snapshot holds every commit so far, but no more can be kept until the database is opened again");
                self.broken = Some(why.clone());
                return Err(Checkpoint::LogNotStarted(why));
            }
        }
        Ok(())
    }
}

/// How a checkpoint failed.
enum Checkpoint {
    /// The snapshot was not written: the old one and its log stand.
    NotWritten(String),
    /// The snapshot is in place but the new log could not be started.
    LogNotStarted(String),
}

impl Database {
    /// Begins a checkpoint in the background, of the graph as of the last commit: where the log
    /// stands now. `None` when there is nothing to do (read-only, or an empty log).
    pub fn checkpoint_start(&self) -> Option<CheckpointStart> {
        let wal = self.wal.as_ref().filter(|w| !w.is_empty())?;
        Some(CheckpointStart {
            path: self.path.clone(),
            generation: self.generation,
            offset: wal.len(),
            first: wal.next(),
        })
    }

    /// Writes a background checkpoint's snapshot (`bytes`, the graph as of its start) beside
    /// the database, synced. It needs no lock: the writer goes on meanwhile.
    pub fn checkpoint_write(start: &CheckpointStart, bytes: &[u8]) -> Result<(), String> {
        let pending = sidecar(&start.path, "-checkpoint");
        let err = |e: std::io::Error| format!("cannot write {}: {e}", pending.display());
        let mut f = File::create(&pending).map_err(err)?;
        std::io::Write::write_all(&mut f, bytes).and_then(|()| f.sync_all()).map_err(err)
    }

    /// Finishes a background checkpoint (with the writer held): the commits made since its
    /// start are copied into a new log that continues the new snapshot; then the snapshot and
    /// that log are moved into place, in that order. A crash between the two renames leaves
    /// the new snapshot beside the old log and the new one (`PATH-wal-next`), which opening
    /// then takes. A checkpoint made meanwhile by other means makes this one give up.
    pub fn checkpoint_finish(&mut self, start: &CheckpointStart, bytes: &[u8]) -> Result<(), String> {
        let pending = sidecar(&self.path, "-checkpoint");
        let next_log = sidecar(&self.path, "-wal-next");
        let Some(wal) = self.wal.as_ref().filter(|_| start.generation == self.generation) else {
            let _ = std::fs::remove_file(&pending);
            return Ok(());
        };
        let tail = wal.tail_from(start.offset)?;
        let next = wal.next();
        wal::Wal::write_next(&next_log, wal::Base::of(bytes, start.first), &tail)?;
        let shown = self.path.display();
        std::fs::rename(&pending, &self.path).map_err(|e| format!("cannot write {shown}: {e}"))?;
        crate::file::sync_dir(&self.path);
        let wal_path = sidecar(&self.path, "-wal");
        let moved =
            std::fs::rename(&next_log, &wal_path).map_err(|e| format!("cannot write {}: {e}", wal_path.display()));
        crate::file::sync_dir(&self.path);
        self.generation += 1;
        self.format = crate::store::SNAPSHOT_VERSION;
        match moved.and_then(|()| wal::Wal::open_at(&wal_path, next, wal::HEADER as u64 + tail.len() as u64)) {
            Ok(w) => {
                self.wal = Some(w);
                Ok(())
            }
            Err(e) => {
                self.wal = None;
                let why = format!("{e}; the checkpoint's snapshot is in place, but no more commits can be kept until the database is opened again");
                self.broken = Some(why.clone());
                Err(why)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::GraphWrite;
    use crate::value::Value;
    use crate::value::{NodeId, RelId};

    fn none() -> Vec<(&'static str, Value)> {
        Vec::new()
    }

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("silkgraph-db-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// One transaction through the store's journal, as a session commits it.
    fn transaction(o: &mut Opened, f: impl FnOnce(&mut Graph)) {
        let sp = GraphWrite::savepoint(&mut o.graph);
        f(&mut o.graph);
        let changes = o.graph.changes_since(sp);
        o.db.commit(&changes).unwrap();
        GraphWrite::commit(&mut o.graph, sp);
    }

    /// Nodes and relationships by id, with names (ids of names may differ after a replay).
    fn state(g: &Graph) -> Vec<String> {
        let props = |ps: crate::store::Props| -> Vec<String> {
            ps.iter().map(|(k, v)| format!("{}={v:?}", g.keys().name(*k))).collect()
        };
        let mut out: Vec<String> = g
            .node_ids()
            .map(|n| {
                let labels: Vec<&str> = g.node_labels(n).iter().map(|l| g.labels().name(*l)).collect();
                format!("{n} {labels:?} {:?}", props(g.node_props(n)))
            })
            .collect();
        out.extend(g.rel_ids().map(|r| {
            let ty = g.rel_type(r).map(|t| g.types().name(t));
            format!("{r} {:?} {ty:?} {:?}", g.rel_ends(r), props(g.rel_props(r)))
        }));
        out
    }

    #[test]
    fn commits_survive_reopening_and_checkpoints() {
        let d = dir("reopen");
        let p = d.join("g.db");
        let mut o = Database::open(&p, false).unwrap();
        assert!(o.notices[0].contains("created a new, empty database"));
        transaction(&mut o, |g| {
            let a = g.create_node(["A"], [("name", Value::str("Ann"))]);
            let b = g.create_node(["B"], none());
            g.create_rel(a, b, "KNOWS", [("since", Value::Int(2001))]);
        });
        // A statement rolled back uses up an id; the next one must get the same id on replay.
        let sp = GraphWrite::savepoint(&mut o.graph);
        o.graph.create_node(["Gone"], none());
        GraphWrite::rollback(&mut o.graph, sp);
        transaction(&mut o, |g| {
            let c = g.create_node(["C"], none());
            g.set_node_prop(NodeId(0), "age", Value::Int(41));
            g.add_label(c, "D");
            g.delete_rel(RelId(0));
            let r = g.create_rel(c, NodeId(0), "T", none()).unwrap();
            g.set_rel_prop(r, "w", Value::Float(0.5));
        });
        let want = state(&o.graph);
        // A second writer is refused while the first holds the lock.
        let e = Database::open(&p, false).unwrap_err();
        assert!(e.contains("another process"), "{e}");
        let ro = Database::open(&p, true).unwrap();
        assert_eq!(state(&ro.graph), want, "read-only sees the log too");
        drop(o);
        let mut o = Database::open(&p, false).unwrap();
        assert_eq!(state(&o.graph), want);
        o.db.checkpoint(&o.graph).unwrap();
        transaction(&mut o, |g| {
            g.delete_node(NodeId(1), true).unwrap();
        });
        let want = state(&o.graph);
        drop(o);
        let o = Database::open(&p, false).unwrap();
        assert_eq!(state(&o.graph), want);
        assert!(o.notices.is_empty(), "{:?}", o.notices);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_crash_between_snapshot_and_log_never_replays_twice() {
        let d = dir("stale");
        let p = d.join("g.db");
        let mut o = Database::open(&p, false).unwrap();
        transaction(&mut o, |g| {
            g.create_node(["A"], none());
        });
        // The checkpoint's snapshot lands, but the old log stays (the crash came before it was
        // replaced).
        let log = std::fs::read(sidecar(&p, "-wal")).unwrap();
        o.db.checkpoint(&o.graph).unwrap();
        std::fs::write(sidecar(&p, "-wal"), log).unwrap();
        drop(o);
        let o = Database::open(&p, false).unwrap();
        assert_eq!(o.graph.node_count(), 1);
        assert!(o.notices.iter().any(|n| n.contains("set aside")), "{:?}", o.notices);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn a_checkpoint_in_the_background_keeps_the_commits_made_meanwhile_across_any_crash() {
        let d = dir("background");
        let p = d.join("g.sg");
        let mut o = Database::open(&p, false).unwrap();
        let add = |o: &mut Opened, i: i64| {
            transaction(o, |g| {
                g.create_node(["N"], [("i", Value::Int(i))]);
            })
        };
        (0..3).for_each(|i| add(&mut o, i));
        // The snapshot is of the graph now; commits go on while it is written.
        let start = o.db.checkpoint_start().unwrap();
        let bytes = o.graph.to_snapshot().unwrap();
        (3..6).for_each(|i| add(&mut o, i));
        let want = state(&o.graph);
        Database::checkpoint_write(&start, &bytes).unwrap();
        let (old_snapshot, old_log) = (std::fs::read(&p).unwrap(), std::fs::read(sidecar(&p, "-wal")).unwrap());
        o.db.checkpoint_finish(&start, &bytes).unwrap();
        add(&mut o, 6);
        let want_after = state(&o.graph);
        let new_log = std::fs::read(sidecar(&p, "-wal")).unwrap();
        drop(o);
        // Finished: the new snapshot and its log.
        let o = Database::open(&p, false).unwrap();
        assert_eq!(state(&o.graph), want_after);
        drop(o);
        // A crash between the two renames: the new snapshot beside the old log and the new one.
        let new_snapshot = std::fs::read(&p).unwrap();
        std::fs::write(sidecar(&p, "-wal"), &old_log).unwrap();
        std::fs::write(sidecar(&p, "-wal-next"), &new_log).unwrap();
        let o = Database::open(&p, false).unwrap();
        assert_eq!(state(&o.graph), want_after);
        assert!(o.notices.iter().any(|n| n.contains("interrupted")), "{:?}", o.notices);
        assert!(!sidecar(&p, "-wal-next").exists());
        drop(o);
        // A crash before the snapshot moved: the old snapshot and log hold everything, and the
        // new log is dropped.
        std::fs::write(&p, &old_snapshot).unwrap();
        std::fs::write(sidecar(&p, "-wal"), &old_log).unwrap();
        std::fs::write(sidecar(&p, "-wal-next"), &new_log).unwrap();
        std::fs::write(sidecar(&p, "-checkpoint"), &new_snapshot).unwrap();
        let o = Database::open(&p, false).unwrap();
        assert_eq!(state(&o.graph), want);
        assert!(!sidecar(&p, "-wal-next").exists() && !sidecar(&p, "-checkpoint").exists());
        let _ = std::fs::remove_dir_all(&d);
    }
}
