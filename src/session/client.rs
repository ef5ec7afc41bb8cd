//! A client of a [`Shared`] graph (one server connection): statements and transactions on
//! snapshots, rows handed out as they are made.
//!
//! Outside a transaction, a statement that only reads runs on the last commit's snapshot and
//! streams; one that writes takes the writer, runs, commits (durably on a database) and then
//! hands out its rows. An explicit transaction reads one snapshot from `begin` to its end; its
//! first write takes the writer, on the condition that nobody committed since the snapshot
//! (else the write fails as outdated, a transient error the drivers retry), and from then on
//! the transaction reads its own writes. As in Neo4j, a failed statement marks the transaction
//! failed: only a rollback is left.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::shared::{Shared, Snapshot, WriteTx, WRITE_WAIT};
use super::tx::tx_error;
use super::{explain, parse_one, plan_statement, plan_text, profile_columns, run_on, PlanCache, PlanKey, Prepared};
use crate::ast::Mode;
use crate::error::{Detail, Error, Kind, Result};
use crate::exec::{self, Control, Params, Row, Stats, WantedIndexes};
use crate::plan::Passes;
use crate::store::Graph;

/// What a statement did, once its rows are out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// What it changed.
    pub stats: Stats,
    /// Whether the rows were stopped early by the sink.
    pub stopped: bool,
}

#[derive(Debug)]
struct Open {
    read_only: bool,
    snap: Arc<Snapshot>,
    write: Option<WriteTx>,
    failed: bool,
    timeout: Option<Duration>,
    /// Whether a statement has run in it (read its snapshot).
    has_read: bool,
}

/// One client's statements and transactions (see the module's comment).
#[derive(Debug)]
pub struct Client {
    shared: Arc<Shared>,
    plans: PlanCache,
    /// Cancels the running statement when set; the limits statements run under.
    pub control: Control,
    /// Time limit of one statement, unless its transaction sets one.
    pub timeout: Option<Duration>,
    tx: Option<Open>,
}

impl Client {
    /// A client of `shared`.
    pub fn new(shared: Arc<Shared>) -> Client {
        Client { shared, plans: PlanCache::default(), control: Control::default(), timeout: None, tx: None }
    }

    /// The graph shared.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Whether an explicit transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.tx.is_some()
    }

    /// Opens an explicit transaction on the last commit; `read_only` refuses its writes;
    /// `timeout` limits each of its statements.
    pub fn begin(&mut self, read_only: bool, timeout: Option<Duration>) -> Result<()> {
        if self.tx.is_some() {
            return Err(tx_error(Detail::TransactionAlreadyOpen, "a transaction is already open"));
        }
        let snap = self.shared.snapshot();
        self.tx = Some(Open { read_only, snap, write: None, failed: false, timeout, has_read: false });
        Ok(())
    }

    /// Commits the open transaction; a failed one is rolled back with an error.
    pub fn commit(&mut self) -> Result<()> {
        let Some(tx) = self.tx.take() else {
            return Err(tx_error(Detail::NoTransaction, "no transaction is open"));
        };
        if tx.failed {
            return Err(tx_error(
                Detail::TransactionFailed,
                "a statement of the transaction failed, so it was rolled back instead of committed",
            ));
        }
        match tx.write {
            Some(w) => w.commit(),
            None => Ok(()),
        }
    }

    /// Rolls the open transaction back (nothing if none is open).
    pub fn rollback(&mut self) {
        if let Some(Open { write: Some(w), .. }) = self.tx.take() {
            w.rollback();
        }
    }

    /// Parses, checks and plans a statement for the graph this client would run it on.
    ///
    /// As a `Session` does, a statement outside a transaction that would look nodes up by a
    /// property of a label of at least [`AUTO_INDEX_AGAIN_MIN`](super::AUTO_INDEX_AGAIN_MIN)
    /// nodes, with no index for it, makes that index when this client makes the lookup a second
    /// time (a commit of its own, when the writer is free at once and the graph takes writes);
    /// it is then planned on the graph with the index.
    pub fn prepare(&mut self, text: &str) -> Result<Prepared> {
        let max_hops = self.control.limits.max_hops;
        let auto = self.tx.is_none() && !self.shared.read_only();
        // Outside a transaction, a statement is planned on the last commit without waiting for
        // its log to be synced (a write planned meanwhile joins that sync: group commit; a read
        // waits when it runs), and the snapshot is held only to look the plan up and to plan,
        // not to parse: one held when the next commit is published makes that writer copy the
        // whole graph.
        let key = match &mut self.tx {
            Some(Open { write: Some(w), .. }) => PlanKey::of(w.graph(), max_hops, auto),
            Some(Open { snap, .. }) => PlanKey::of(&snap.graph, max_hops, auto),
            None => PlanKey::of(&self.shared.latest().graph, max_hops, auto),
        };
        let due = match self.plans.lookup(text, &key, auto) {
            Ok(p) => return Ok(p),
            Err(due) => due,
        };
        let stmt = parse_one(text)?;
        let snap;
        let graph: &Graph = match &mut self.tx {
            Some(Open { write: Some(w), .. }) => w.graph(),
            Some(Open { snap, .. }) => &snap.graph,
            None => {
                snap = self.shared.latest();
                &snap.graph
            }
        };
        let key = PlanKey::of(graph, max_hops, auto);
        let wanted = std::cell::RefCell::new(WantedIndexes::default());
        let p: Prepared = Arc::new(plan_statement(stmt, graph, max_hops, auto.then_some(&wanted), Passes::ALL)?);
        let mut wanted = wanted.take();
        if p.0.mode == Mode::Explain || !auto {
            self.plans.put(text, key, p.clone(), Vec::new());
            return Ok(p);
        }
        let due = self.plans.due(due, &mut wanted);
        if !due.is_empty() && self.make_indexes(due) {
            let snap = self.shared.snapshot();
            let again = std::cell::RefCell::new(WantedIndexes::default());
            let p: Prepared = Arc::new(plan_text(text, &snap.graph, max_hops, Some(&again), Passes::ALL)?);
            self.plans.put(text, PlanKey::of(&snap.graph, max_hops, auto), p.clone(), again.take().again);
            return Ok(p);
        }
        self.plans.put(text, key, p.clone(), wanted.again);
        Ok(p)
    }

    /// Makes automatic indexes in a commit of their own, if the writer is free now; whether
    /// they were made.
    fn make_indexes(&self, wanted: Vec<(String, String)>) -> bool {
        let Ok(mut w) = self.shared.begin_write(None, Duration::ZERO) else { return false };
        super::make_auto_indexes(w.graph(), wanted);
        w.commit().is_ok()
    }

    /// The columns a prepared statement's rows have.
    pub fn columns(prepared: &Prepared) -> Vec<String> {
        match prepared.0.mode {
            Mode::Explain => vec!["plan".into()],
            Mode::Profile => profile_columns(),
            _ => prepared.1.columns.clone(),
        }
    }

    /// Runs a prepared statement, handing its rows to `sink` (which returns false to stop
    /// them: the rest are not made). In a transaction, an error marks it failed.
    pub fn run(
        &mut self,
        prepared: &Prepared,
        params: &Params,
        sink: &mut dyn FnMut(&Graph, Row) -> Result<bool>,
    ) -> Result<Summary> {
        let start = Instant::now();
        let timeout = self.tx.as_ref().and_then(|t| t.timeout).or(self.timeout);
        self.control.deadline = timeout.and_then(|t| start.checked_add(t));
        self.control.cancel.store(false, std::sync::atomic::Ordering::Relaxed);
        // A halted request or server starts nothing more.
        self.control.check()?;
        let writes = prepared.1.writes() && prepared.0.mode != Mode::Explain;
        let shared = self.shared.clone();
        let control = &mut self.control;
        let Some(tx) = self.tx.as_mut() else {
            if writes {
                let mut w = shared.begin_write(None, WRITE_WAIT)?;
                // Each batch of `IN TRANSACTIONS` commits as it ends; a failure (dropping
                // `w`) takes back only what came after the last one.
                let result = match prepared.1.in_transactions() {
                    true => w.run_batched(control, |g, c| run_on(prepared, g, params, c, start))?,
                    false => run_on(prepared, w.graph(), params, control, start)?,
                };
                w.commit()?;
                let rows = streamed(result.rows, result.profile);
                if rows.is_empty() {
                    return Ok(Summary { stats: result.stats, stopped: false });
                }
                // Its rows read the graph as the commit left it.
                return feed(&shared.snapshot().graph, rows, result.stats, sink);
            }
            let snap = shared.snapshot();
            return read_on(&snap.graph, prepared, params, control, start, sink);
        };
        if tx.failed {
            return Err(tx_error(
                Detail::TransactionFailed,
                "a statement of this transaction failed; only a rollback is left",
            ));
        }
        if prepared.1.in_transactions() {
            tx.failed = true;
            return Err(crate::plan::in_explicit_transaction());
        }
        if writes && tx.write.is_none() {
            if tx.read_only {
                return Err(Error::runtime(
                    Kind::TransactionError,
                    Detail::WriteOnReadOnly,
                    "a write in a read transaction; open it for writing",
                ));
            }
            // A transaction that has read nothing yet writes on the last commit, whatever came
            // since it began; one that has read must be at the last commit, else it fails as
            // outdated (having written nothing, it may be run again).
            let at = tx.has_read.then_some(tx.snap.version);
            tx.write = Some(shared.begin_write(at, WRITE_WAIT)?);
        }
        tx.has_read = true;
        let r = match tx.write.as_mut() {
            Some(w) => run_on(prepared, w.graph(), params, control, start)
                .and_then(|r| feed(w.graph(), streamed(r.rows, r.profile), r.stats, sink)),
            None => read_on(&tx.snap.graph, prepared, params, control, start, sink),
        };
        if r.is_err() {
            tx.failed = true;
        }
        r
    }

    /// Ends the client: an open transaction is rolled back.
    pub fn close(&mut self) {
        self.rollback();
    }
}

/// Hands materialised rows to the sink.
fn feed(g: &Graph, rows: Vec<Row>, stats: Stats, sink: &mut dyn FnMut(&Graph, Row) -> Result<bool>) -> Result<Summary> {
    for row in rows {
        if !sink(g, row)? {
            return Ok(Summary { stats, stopped: true });
        }
    }
    Ok(Summary { stats, stopped: false })
}

/// The rows a client is sent: a `PROFILE`'s operator rows (the columns it was told), else the
/// statement's own.
fn streamed(rows: Vec<Row>, profile: Option<Vec<Row>>) -> Vec<Row> {
    profile.unwrap_or(rows)
}

/// Runs a statement that does not write on a snapshot, streaming its rows.
fn read_on(
    graph: &Graph,
    prepared: &Prepared,
    params: &Params,
    control: &mut Control,
    start: Instant,
    sink: &mut dyn FnMut(&Graph, Row) -> Result<bool>,
) -> Result<Summary> {
    let plan = &prepared.1;
    match prepared.0.mode {
        Mode::Explain => feed(graph, explain(plan).rows, Stats::default(), sink),
        Mode::Profile => {
            let profile = Arc::new(exec::Profile::default());
            control.profile = Some(profile.clone());
            let mut n = 0;
            let r = exec::execute_read(plan, graph, params, control, &mut |_| {
                n += 1;
                Ok(())
            });
            control.profile = None;
            r?;
            feed(graph, profile.rows(plan, n, start.elapsed()), Stats::default(), sink)
        }
        _ => {
            let mut stopped = false;
            let r = exec::execute_read(plan, graph, params, control, &mut |row| match sink(graph, row) {
                Ok(true) => Ok(()),
                Ok(false) => {
                    stopped = true;
                    Err(Error::runtime(Kind::ResourceLimit, Detail::Cancelled, "stopped by the client"))
                }
                Err(e) => Err(e),
            });
            match r {
                Err(_) if stopped => Ok(Summary { stats: Stats::default(), stopped: true }),
                Err(e) => Err(e),
                Ok(()) => Ok(Summary { stats: Stats::default(), stopped: false }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Value;

    fn shared() -> Arc<Shared> {
        Shared::new(Graph::default(), None, false)
    }

    fn rows(c: &mut Client, text: &str) -> Result<Vec<Row>> {
        let p = c.prepare(text)?;
        let mut out = Vec::new();
        c.run(&p, &Params::new(), &mut |_, r| {
            out.push(r);
            Ok(true)
        })?;
        Ok(out)
    }

    fn count(c: &mut Client, label: &str) -> i64 {
        match rows(c, &format!("MATCH (n:{label}) RETURN count(n)")).unwrap()[0][0] {
            Value::Int(n) => n,
            ref v => panic!("{v:?}"),
        }
    }

    #[test]
    fn readers_never_see_half_a_statement_or_half_a_transaction() {
        let s = shared();
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let (s, done) = (s.clone(), done.clone());
                std::thread::spawn(move || {
                    let mut c = Client::new(s);
                    let mut rounds = 0;
                    while !done.load(std::sync::atomic::Ordering::Relaxed) || rounds < 100 {
                        assert_eq!(count(&mut c, "P") % 2, 0, "half a statement seen");
                        assert_eq!(count(&mut c, "Q") % 2, 0, "half a transaction seen");
                        // One transaction reads one snapshot, however many commits go by.
                        c.begin(true, None).unwrap();
                        let (a, b) = (count(&mut c, "P"), count(&mut c, "P"));
                        assert_eq!(a, b, "a transaction's reads moved");
                        c.commit().unwrap();
                        rounds += 1;
                    }
                    rounds
                })
            })
            .collect();
        let mut w = Client::new(s.clone());
        for _ in 0..1500 {
            rows(&mut w, "CREATE (:P), (:P)").unwrap();
            w.begin(false, None).unwrap();
            rows(&mut w, "CREATE (:Q)").unwrap();
            rows(&mut w, "CREATE (:Q)").unwrap();
            w.commit().unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let rounds: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
        assert!(rounds >= 300, "{rounds}");
        assert_eq!(count(&mut w, "P"), 3000);
        assert_eq!(count(&mut w, "Q"), 3000);
    }

    #[test]
    fn a_write_over_a_commit_it_did_not_see_is_outdated_and_can_be_retried() {
        let s = shared();
        let (mut a, mut b) = (Client::new(s.clone()), Client::new(s.clone()));
        a.begin(false, None).unwrap();
        assert_eq!(count(&mut a, "N"), 0);
        rows(&mut b, "CREATE (:N)").unwrap();
        let e = rows(&mut a, "CREATE (:N)").unwrap_err();
        // (A transaction that has read nothing writes on whatever is last: see below.)
        assert_eq!((e.kind, e.detail), (Kind::TransientError, Detail::Outdated));
        a.rollback();
        a.begin(false, None).unwrap();
        assert_eq!(count(&mut a, "N"), 1);
        rows(&mut a, "CREATE (:N)").unwrap();
        // Its own write is visible to it, and to nobody else before the commit.
        assert_eq!(count(&mut a, "N"), 2);
        assert_eq!(count(&mut b, "N"), 1);
        a.commit().unwrap();
        assert_eq!(count(&mut b, "N"), 2);
    }

    #[test]
    fn a_rolled_back_or_abandoned_transaction_leaves_nothing_and_frees_the_writer() {
        let s = shared();
        let mut a = Client::new(s.clone());
        a.begin(false, None).unwrap();
        rows(&mut a, "CREATE (:N {v: 1})").unwrap();
        a.rollback();
        {
            let mut gone = Client::new(s.clone());
            gone.begin(false, None).unwrap();
            rows(&mut gone, "CREATE (:N {v: 2})").unwrap();
            // Dropped mid-transaction (a client that went away).
        }
        let mut b = Client::new(s.clone());
        rows(&mut b, "CREATE (:N {v: 3})").unwrap();
        assert_eq!(rows(&mut b, "MATCH (n:N) RETURN n.v").unwrap(), vec![vec![Value::Int(3)]]);
        // A failed statement fails the transaction; commit then refuses and keeps nothing.
        b.begin(false, None).unwrap();
        rows(&mut b, "CREATE (:N {v: 4})").unwrap();
        assert!(rows(&mut b, "RETURN 1/0").is_err());
        assert_eq!(b.commit().unwrap_err().detail, Detail::TransactionFailed);
        assert_eq!(count(&mut b, "N"), 1);
    }

    #[test]
    fn a_read_transaction_refuses_writes_and_a_read_only_share_every_write() {
        let mut a = Client::new(shared());
        a.begin(true, None).unwrap();
        assert_eq!(rows(&mut a, "CREATE ()").unwrap_err().detail, Detail::WriteOnReadOnly);
        a.rollback();
        let mut r = Client::new(Shared::new(Graph::default(), None, true));
        assert_eq!(rows(&mut r, "CREATE ()").unwrap_err().detail, Detail::WriteOnReadOnly);
        assert_eq!(rows(&mut r, "RETURN 1 AS one").unwrap(), vec![vec![Value::Int(1)]]);
    }

    #[test]
    fn a_sink_that_stops_stops_the_rows_and_fails_nothing() {
        let mut c = Client::new(shared());
        let p = c.prepare("UNWIND range(1, 1000000) AS i RETURN i").unwrap();
        let mut seen = 0;
        let s = c
            .run(&p, &Params::new(), &mut |_, _| {
                seen += 1;
                Ok(seen < 10)
            })
            .unwrap();
        assert!(s.stopped);
        assert_eq!(seen, 10);
    }

    #[test]
    fn commits_on_a_database_are_durable_and_the_spare_copy_keeps_up() {
        let dir = std::env::temp_dir().join(format!("silkgraph-shared-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("db.sg");
        {
            let opened = crate::db::Database::open(&path, false).unwrap();
            let s = Shared::new(opened.graph, Some(opened.db), false);
            let mut c = Client::new(s.clone());
            for i in 0..50 {
                rows(&mut c, &format!("CREATE (:N {{i: {i}}})")).unwrap();
                // A reader holding a snapshot across a commit makes the next writer copy.
                let held = (i % 7 == 0).then(|| s.snapshot());
                rows(&mut c, &format!("MATCH (n:N {{i: {i}}}) SET n.j = {i} * 2")).unwrap();
                drop(held);
            }
            assert_eq!(rows(&mut c, "MATCH (n:N) RETURN sum(n.j)").unwrap(), vec![vec![Value::Int(2450)]]);
        }
        let opened = crate::db::Database::open(&path, true).unwrap();
        let mut c = Client::new(Shared::new(opened.graph, Some(opened.db), false));
        assert_eq!(
            rows(&mut c, "MATCH (n:N) RETURN count(n), sum(n.j)").unwrap(),
            vec![vec![Value::Int(50), Value::Int(2450)]]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_transaction_that_writes_before_it_reads_is_never_outdated() {
        let s = shared();
        let (mut a, mut b) = (Client::new(s.clone()), Client::new(s.clone()));
        a.begin(false, None).unwrap();
        rows(&mut b, "CREATE (:N)").unwrap();
        rows(&mut a, "CREATE (:N)").unwrap();
        assert_eq!(count(&mut a, "N"), 2, "it writes on the last commit");
        a.commit().unwrap();
        assert_eq!(count(&mut b, "N"), 2);
    }

    #[test]
    fn a_read_only_share_makes_no_index_however_often_it_looks_up() {
        let mut g = Graph::default();
        for i in 0..crate::session::AUTO_INDEX_AGAIN_MIN as i64 + 1 {
            g.create_node(["P"], vec![("k", Value::Int(i))]);
        }
        let r = Shared::new(g, None, true);
        let mut rc = Client::new(r.clone());
        for _ in 0..3 {
            assert_eq!(rows(&mut rc, "MATCH (p:P {k: 1}) RETURN p.k").unwrap().len(), 1);
        }
        assert!(r.snapshot().graph.property_indexes().is_empty());
    }

    #[test]
    fn a_lookup_made_again_on_a_middle_sized_label_makes_its_index_as_a_session_does() {
        let mut g = Graph::default();
        for i in 0..crate::session::AUTO_INDEX_AGAIN_MIN as i64 {
            g.create_node(["M"], vec![("k", Value::Int(i))]);
        }
        let s = Shared::new(g, None, false);
        let mut c = Client::new(s.clone());
        let indexes = || s.snapshot().graph.property_indexes().iter().map(|ix| ix.name.clone()).collect::<Vec<_>>();
        assert_eq!(rows(&mut c, "MATCH (m:M {k: 7}) RETURN m.k").unwrap(), vec![vec![Value::Int(7)]]);
        assert!(indexes().is_empty(), "a statement run once makes none");
        assert_eq!(rows(&mut c, "MATCH (m:M {k: 8}) RETURN m.k").unwrap(), vec![vec![Value::Int(8)]]);
        assert_eq!(indexes(), ["auto_m_k"]);
        let plan = c.prepare("MATCH (m:M {k: 7}) RETURN m.k").unwrap().1.to_string();
        assert!(plan.contains("auto_m_k") || plan.to_lowercase().contains("seek"), "{plan}");
    }

    #[test]
    fn batches_a_reader_holds_back_are_published_at_the_end_even_when_a_later_one_fails() {
        let s = shared();
        let mut c = Client::new(s.clone());
        rows(&mut c, "CREATE (:Before)").unwrap();
        // A reader holds the last snapshot through the statement: no batch is published in
        // its place, and its view does not move.
        let held = s.snapshot();
        let write = "UNWIND range(1, 10) AS x CALL (x) { CREATE (:N {x: 1 / (x - 7)}) } IN TRANSACTIONS OF 3 ROWS";
        assert_eq!(rows(&mut c, write).unwrap_err().detail, Detail::DivisionByZero);
        assert_eq!((held.graph.node_count(), held.version), (1, 1));
        // The two batches before the failing one are there for everyone after.
        assert_eq!(count(&mut c, "N"), 6);
        assert_eq!(s.snapshot().version, 3, "each batch is a commit");
        drop(held);
        // The writer's copies keep up: later writes, batched or not, build on all of it.
        rows(&mut c, "UNWIND range(1, 5) AS x CALL (x) { CREATE (:N {x: x}) } IN TRANSACTIONS OF 2 ROWS").unwrap();
        rows(&mut c, "MATCH (n:N) SET n.seen = true").unwrap();
        assert_eq!(rows(&mut c, "MATCH (n:N {seen: true}) RETURN count(n)").unwrap(), vec![vec![Value::Int(11)]]);
        assert_eq!(s.snapshot().version, 7);
    }
}
