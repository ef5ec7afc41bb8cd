//! Transactions of a session. Every statement is atomic; outside an explicit transaction it is
//! its own transaction, committed (durably, on a database) before its result is handed out.
//! `begin` opens an explicit transaction that spans statements until `commit` or `rollback`.
//!
//! As in Neo4j, a statement that fails inside an explicit transaction undoes its own changes and
//! marks the transaction failed: the statements after it are refused, and `commit` rolls the
//! whole transaction back and says so. `rollback` ends it.

use std::fs::File;
use std::sync::Arc;

use super::Session;
use crate::db::Database;
use crate::error::{Detail, Error, Kind, Result};
use crate::store::{encode_changes, Change, FulltextIndex, Graph, Savepoint};

/// A log record appended and not yet synced: its number and the log file.
pub(super) type Appended = (u64, Arc<File>);

/// How a commit reached the disk.
#[derive(Debug)]
pub(super) enum Record {
    /// Nothing to keep, or a record already synced.
    None,
    /// A record appended, to be synced before the commit is acknowledged.
    Appended(Appended),
    /// Written as a checkpoint (a bulk transaction): durable, the log started anew.
    Checkpoint,
}

/// A transaction needs this many journaled changes, and at least half as many as the graph has
/// nodes and relationships, to be committed as a checkpoint (`Database::commit_as_checkpoint`)
/// instead of a log record: then writing the whole graph costs less than logging the changes.
const BULK: usize = 1 << 16;

fn bulk(g: &Graph, sp: Savepoint) -> bool {
    let n = g.changes_count_since(sp);
    n >= BULK && 2 * n >= g.node_count() + g.rel_count()
}

/// An open transaction: where the graph stood when it began.
#[derive(Debug)]
pub(super) struct Tx {
    sp: Savepoint,
    /// The indexes when it began (`(name, label, key)`), so that their changes are logged too.
    indexes: Vec<(String, String, String)>,
    /// The constraints when it began, as the changes that make them (logged likewise).
    constraints: Vec<Change>,
    /// The full-text indexes when it began.
    fulltext: Vec<FulltextIndex>,
    /// A statement of it failed.
    pub(super) failed: bool,
}

fn indexes(g: &Graph) -> Vec<(String, String, String)> {
    g.property_indexes()
        .iter()
        .map(|ix| (ix.name.clone(), g.labels().name(ix.label).to_string(), g.keys().name(ix.key).to_string()))
        .collect()
}

pub(super) fn tx_error(detail: Detail, message: &str) -> Error {
    Error::runtime(Kind::TransactionError, detail, message)
}

impl Tx {
    pub(super) fn begin(g: &mut Graph) -> Tx {
        Tx {
            sp: g.savepoint(),
            indexes: indexes(g),
            constraints: g.constraint_changes(),
            fulltext: g.fulltext_indexes().to_vec(),
            failed: false,
        }
    }

    /// The indexes and constraints made or dropped since it began, as changes (they are not
    /// journaled): drops first, and an index before the constraint it serves.
    fn index_changes(&self, g: &Graph) -> Vec<Change> {
        let mut changes = Vec::new();
        let now = indexes(g);
        let constraints = g.constraint_changes();
        for (name, ..) in self.indexes.iter().filter(|i| !now.contains(i)) {
            changes.push(Change::DropIndex { name: name.clone() });
        }
        let fulltext = g.fulltext_indexes();
        for ix in self.fulltext.iter().filter(|i| !fulltext.contains(i)) {
            changes.push(Change::DropIndex { name: ix.name.clone() });
        }
        for c in self.constraints.iter().filter(|c| !constraints.contains(c)) {
            if let Change::CreateConstraint { name, .. } = c {
                changes.push(Change::DropConstraint { name: name.clone() });
            }
        }
        for (name, label, key) in now.iter().filter(|i| !self.indexes.contains(i)) {
            changes.push(Change::CreateIndex { name: name.clone(), label: label.clone(), key: key.clone() });
        }
        changes.extend(constraints.into_iter().filter(|c| !self.constraints.contains(c)));
        changes.extend(fulltext.iter().filter(|i| !self.fulltext.contains(i)).cloned().map(Change::CreateFulltext));
        changes
    }

    /// Commits: durable in `db` first (if there is one), then kept; on a failed write the graph
    /// is rolled back and the error says why. Returns the changes (the journal's, then the
    /// indexes') when `keep` asks for them; a database without `keep` has them encoded straight
    /// from the journal, never made.
    pub(super) fn commit(self, g: &mut Graph, db: Option<&mut Database>, keep: bool) -> Result<Vec<Change>> {
        Ok(self.commit_to(g, db, keep, true)?.0)
    }

    /// [`Tx::commit`], with the log record only appended when `sync` is false: the caller syncs
    /// it (a group commit) before it acknowledges the commit, with the record's number and file.
    pub(super) fn commit_to(
        self,
        g: &mut Graph,
        db: Option<&mut Database>,
        keep: bool,
        sync: bool,
    ) -> Result<(Vec<Change>, Record)> {
        let extra = self.index_changes(g);
        let changed = g.journal_since(self.sp) > 0 || !extra.is_empty();
        let mut changes = Vec::new();
        if keep && changed {
            changes = g.changes_since(self.sp);
            changes.extend(extra.iter().cloned());
        }
        let mut record = Record::None;
        if let Some(db) = db.filter(|_| changed) {
            let logged = if bulk(g, self.sp) {
                db.commit_as_checkpoint(g).map(|_| record = Record::Checkpoint)
            } else {
                let payload = if keep { encode_changes(&changes) } else { g.encode_changes_since(self.sp, &extra) };
                match sync {
                    true => db.commit_encoded(&payload).map(|_| ()),
                    false => db.append_encoded(&payload).map(|r| record = Record::Appended(r)),
                }
            };
            if let Err(why) = logged {
                g.rollback(self.sp);
                let msg = format!("the transaction could not be made durable and was rolled back: {why}");
                return Err(Error::runtime(Kind::DatabaseError, Detail::CommitFailed, msg));
            }
        }
        g.commit(self.sp);
        Ok((changes, record))
    }

    pub(super) fn rollback(self, g: &mut Graph) {
        g.rollback(self.sp);
        g.restore_fulltext(self.fulltext);
    }
}

impl Session {
    /// Whether an explicit transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.tx.is_some()
    }

    /// Opens an explicit transaction (`:begin`).
    pub fn begin(&mut self) -> Result<()> {
        if self.tx.is_some() {
            return Err(tx_error(
                Detail::TransactionAlreadyOpen,
                "a transaction is already open; :commit or :rollback it first",
            ));
        }
        self.tx = Some(Tx::begin(&mut self.graph));
        Ok(())
    }

    /// Commits the open transaction (`:commit`): when this returns, its changes are kept (on a
    /// database, durably). A failed transaction is rolled back instead, with an error.
    pub fn commit(&mut self) -> Result<()> {
        let Some(tx) = self.tx.take() else {
            return Err(tx_error(Detail::NoTransaction, "no transaction is open (:begin opens one)"));
        };
        if tx.failed {
            tx.rollback(&mut self.graph);
            return Err(tx_error(
                Detail::TransactionFailed,
                "a statement of the transaction failed, so it was rolled back instead of committed",
            ));
        }
        tx.commit(&mut self.graph, self.db.as_mut(), false)?;
        self.after_commit()
    }

    /// Rolls the open transaction back (`:rollback`).
    pub fn rollback(&mut self) -> Result<()> {
        let Some(tx) = self.tx.take() else {
            return Err(tx_error(Detail::NoTransaction, "no transaction is open"));
        };
        tx.rollback(&mut self.graph);
        Ok(())
    }

    /// Refuses a statement in a failed transaction.
    pub(super) fn check_not_failed(&self) -> Result<()> {
        match &self.tx {
            Some(tx) if tx.failed => Err(tx_error(
                Detail::TransactionFailed,
                "a statement of this transaction failed; only :rollback (or :commit, which rolls back) is left",
            )),
            _ => Ok(()),
        }
    }

    /// After a commit on a database: a checkpoint when its log has grown long.
    fn after_commit(&mut self) -> Result<()> {
        if let Some(db) = self.db.as_mut().filter(|db| db.wants_checkpoint()) {
            db.checkpoint(&self.graph).map_err(|why| Error::runtime(Kind::DatabaseError, Detail::None, why))?;
        }
        Ok(())
    }

    /// Runs `f` (one statement) as its own transaction when no explicit one is open, committing
    /// its changes (durably on a database) before returning; inside an explicit transaction a
    /// failure marks the transaction failed.
    pub(super) fn in_statement_tx<T>(&mut self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        if self.tx.is_some() {
            let r = f(self);
            if r.is_err() {
                if let Some(tx) = self.tx.as_mut() {
                    tx.failed = true;
                }
            }
            return r;
        }
        if self.db.is_none() {
            return f(self);
        }
        let tx = Tx::begin(&mut self.graph);
        let r = f(self);
        self.end_statement_tx(tx, r)
    }

    /// Runs `CALL { ... } IN TRANSACTIONS` on a database: each batch, as it ends, is appended
    /// to the log and synced, and the statement's journal forgets it, so a later failure (or a
    /// crash) takes back only what came after the last batch, as in Neo4j.
    pub(super) fn run_batched(
        &mut self,
        prepared: super::Prepared,
        params: &crate::exec::Params,
        start: std::time::Instant,
    ) -> Result<super::Outcome> {
        let db = Arc::new(std::sync::Mutex::new(self.db.take()));
        let log = db.clone();
        self.control.durable = Some(crate::exec::Durable(Arc::new(move |g: &mut dyn crate::store::GraphWrite| {
            let payload = g.encode_journal();
            if !payload.is_empty() {
                let mut held = log.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if let Some(d) = held.as_mut() {
                    d.commit_encoded(&payload).map_err(|why| {
                        let msg = format!("a batch could not be made durable; the batches before it are kept: {why}");
                        Error::runtime(Kind::DatabaseError, Detail::CommitFailed, msg)
                    })?;
                }
            }
            g.forget_journal();
            Ok(())
        })));
        let tx = Tx::begin(&mut self.graph);
        let r = self.execute_prepared(prepared, params, start);
        self.control.durable = None;
        self.db = std::mem::take(&mut *db.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        self.end_statement_tx(tx, r)
    }

    /// Commits a statement's own transaction when it succeeded (durably on a database), rolls it
    /// back when it failed.
    fn end_statement_tx<T>(&mut self, tx: Tx, r: Result<T>) -> Result<T> {
        match r {
            Ok(v) => {
                tx.commit(&mut self.graph, self.db.as_mut(), false)?;
                self.after_commit()?;
                Ok(v)
            }
            Err(e) => {
                tx.rollback(&mut self.graph);
                Err(e)
            }
        }
    }

    /// Ends the session: an open transaction is rolled back (and `true` returned, so the caller
    /// can say so); a database is checkpointed, so its snapshot alone holds everything.
    pub fn close(&mut self) -> std::result::Result<bool, String> {
        let rolled_back = self.tx.take().map(|tx| tx.rollback(&mut self.graph)).is_some();
        if let Some(db) = self.db.as_mut() {
            db.checkpoint(&self.graph)?;
        }
        Ok(rolled_back)
    }

    /// Checkpoints a database now (`:checkpoint`): afterwards a copy of its file is a backup.
    pub fn checkpoint(&mut self) -> std::result::Result<(), String> {
        if self.tx.is_some() {
            return Err("a transaction is open; :commit or :rollback it first".into());
        }
        match self.db.as_mut() {
            Some(db) => db.checkpoint_now(&self.graph),
            None => Err("this graph is in memory, not a database: :save FILE keeps it".into()),
        }
    }
}
