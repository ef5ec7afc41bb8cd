//! Runs plans over the store. Read operators stream rows through iterators; a clause that
//! writes first drains the rows before it (Cypher's clause-at-a-time semantics), then changes
//! the graph, then reading resumes. A failed statement rolls its changes back.

mod aggregate;
mod catalog;
mod convert;
mod eval;
mod exists;
mod expand;
mod functions;
mod groups;
mod load_csv;
mod names;
mod pattern;
mod procedures;
mod profile;
mod push;
mod read;
mod rows;
mod scalar;
mod scan;
mod seek;
mod shortest;
mod sort;
mod subquery;
mod temporal;
mod write;

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;

use indexmap::IndexMap;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering as AtomicOrdering};
use std::sync::Arc;
use std::time::Instant;

use crate::error::{Detail, Error, Kind, Result};
use crate::plan::{Key, Label, Op, Pipeline, Plan};
use crate::store::{GraphRead, GraphWrite, KeyId, LabelId};
use crate::value::Value;

pub use catalog::{StoreCatalog, WantedIndexes};
pub use eval::eval;
pub(crate) use names::{Input, Names};
pub use profile::Profile;

/// A row: one value per slot.
pub type Row = Vec<Value>;

/// A row handed to an operator that may keep it: by value, or borrowed (copied only if
/// kept; see `push`).
pub(crate) enum Keep<'r> {
    Owned(Row),
    Borrowed(&'r Row),
}

impl Keep<'_> {
    fn row(&self) -> &Row {
        match self {
            Keep::Owned(r) => r,
            Keep::Borrowed(r) => r,
        }
    }

    fn into_row(self) -> Row {
        match self {
            Keep::Owned(r) => r,
            Keep::Borrowed(r) => r.clone(),
        }
    }
}

/// Query parameters.
pub type Params = IndexMap<String, Value>;

/// What a statement changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Nodes created.
    pub nodes_created: u64,
    /// Nodes deleted.
    pub nodes_deleted: u64,
    /// Relationships created.
    pub relationships_created: u64,
    /// Relationships deleted.
    pub relationships_deleted: u64,
    /// Labels added to nodes.
    pub labels_added: u64,
    /// Labels removed from nodes.
    pub labels_removed: u64,
    /// Property values written.
    pub properties_set: u64,
    /// Properties removed (by `REMOVE`, or by setting them to null).
    pub properties_removed: u64,
    /// Indexes made by `CREATE INDEX`.
    pub indexes_added: u64,
    /// Indexes dropped by `DROP INDEX`.
    pub indexes_removed: u64,
    /// Constraints made by `CREATE CONSTRAINT`.
    pub constraints_added: u64,
    /// Constraints dropped by `DROP CONSTRAINT`.
    pub constraints_removed: u64,
}

impl Stats {
    /// An estimate of the bytes what was written takes in the store: a node's record and
    /// label entry, a relationship's record and its two adjacency entries, a property's value
    /// and key in the property arena.
    pub fn written_bytes(&self) -> u64 {
        self.nodes_created * 64 + self.relationships_created * 96 + self.labels_added * 16 + self.properties_set * 40
    }

    /// Whether the statement changed nothing.
    pub fn is_empty(&self) -> bool {
        *self == Stats::default()
    }

    /// `(name, count)` pairs in the contract's order.
    pub fn fields(&self) -> [(&'static str, u64); 8] {
        [
            ("nodes_created", self.nodes_created),
            ("nodes_deleted", self.nodes_deleted),
            ("relationships_created", self.relationships_created),
            ("relationships_deleted", self.relationships_deleted),
            ("labels_added", self.labels_added),
            ("labels_removed", self.labels_removed),
            ("properties_set", self.properties_set),
            ("properties_removed", self.properties_removed),
        ]
    }

    /// `(name, count)` pairs of the schema changes (indexes and constraints), which the
    /// contract's `stats` object shows only when there are some.
    pub fn schema_fields(&self) -> [(&'static str, u64); 4] {
        [
            ("indexes_added", self.indexes_added),
            ("indexes_removed", self.indexes_removed),
            ("constraints_added", self.constraints_added),
            ("constraints_removed", self.constraints_removed),
        ]
    }
}

/// The rows a statement returned and what it changed.
#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    /// The column names.
    pub columns: Vec<String>,
    /// The rows, one value per column.
    pub rows: Vec<Row>,
    /// What the statement changed.
    pub stats: Stats,
    /// `PROFILE`: each operator of the plan as a row of [`PROFILE_COLUMNS`] (its line of the
    /// plan, the rows it made, its own time in milliseconds), the last row the total.
    pub profile: Option<Vec<Row>>,
}

/// The columns of a `PROFILE`'s operator rows.
pub const PROFILE_COLUMNS: [&str; 3] = ["operator", "rows", "ms"];

/// Everything an operator reads: the graph, the parameters and the run's controls.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The graph to read.
    pub graph: &'a dyn GraphRead,
    /// The query parameters.
    pub params: &'a Params,
    /// The plan's names, looked up in `graph`.
    pub(crate) names: &'a Names,
    /// Row width of the running pipeline.
    pub width: usize,
    /// How the statement may be stopped, and the limits it runs under.
    pub control: &'a Control,
}

impl<'a> Ctx<'a> {
    /// The context of operators reading `graph` with what a run is given.
    pub(crate) fn new(graph: &'a dyn GraphRead, input: &'a Input<'a>, width: usize, control: &'a Control) -> Ctx<'a> {
        Ctx { graph, params: input.params, names: &input.names, width, control }
    }

    /// The id of a key the plan reads, if the graph has it.
    pub(crate) fn key(&self, key: &Key) -> Option<KeyId> {
        self.names.keys.get(key, self.graph)
    }

    /// The id of a label the plan tests for, if the graph has it.
    pub(crate) fn label(&self, label: &Label) -> Option<LabelId> {
        self.names.labels.get(label, self.graph)
    }
}

/// How a running statement can be stopped: a cancel flag (Ctrl-C), a deadline, and limits on
/// what it may hold.
#[derive(Debug, Clone, Default)]
pub struct Control {
    /// Set to stop the statement (Ctrl-C).
    pub cancel: Arc<AtomicBool>,
    /// When the statement runs out of time (`--timeout`), if it has a time limit.
    pub deadline: Option<Instant>,
    /// What the statement may use.
    pub limits: Limits,
    /// Estimated bytes the running statement holds in materialised rows (sorts, groups,
    /// distinct sets, variable-length paths, results); see [`Control::charge`].
    pub memory: Arc<AtomicU64>,
    /// Work done, for [`Control::tick`].
    pub ticks: Arc<AtomicU64>,
    /// Set while a `PROFILE` runs: where the operators count their rows and time.
    pub profile: Option<Arc<Profile>>,
    /// The directory `LOAD CSV` reads files from (nothing outside it); `None`: no file may be
    /// read.
    pub import_dir: Option<Arc<std::path::Path>>,
    /// Where a batch of `CALL { ... } IN TRANSACTIONS` is made durable as it ends (on a
    /// database); without it the batches are kept with the statement.
    pub durable: Option<Durable>,
    /// Batches of `IN TRANSACTIONS` the statement has run (its rows may come a chunk at a time).
    pub batches: Arc<AtomicU64>,
    /// A batch failed under `ON ERROR BREAK`: no later batch runs.
    pub batches_stopped: Arc<AtomicBool>,
    /// Set to stop every statement from now on (a request cancelled as a whole, a server that
    /// is stopping); unlike [`Control::cancel`], nothing clears it before a statement.
    pub halt: Option<Arc<AtomicBool>>,
    /// What the statement's writes are charged in [`Control::memory`]: `[the written bytes
    /// charged up to, bytes held]` (see [`Control::charge_writes`]).
    pub(crate) written: Arc<[AtomicU64; 2]>,
}

/// Makes the changes a graph's journal holds durable, then has it forget them: what a batch of
/// `IN TRANSACTIONS` committed stays, whatever the statement does after it.
#[derive(Clone)]
pub struct Durable(pub Arc<MakeDurable>);

/// What [`Durable`] calls with the graph when a batch ends.
pub type MakeDurable = dyn Fn(&mut dyn GraphWrite) -> Result<()> + Send + Sync;

impl std::fmt::Debug for Durable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Durable")
    }
}

/// What one statement may use. Passing a limit raises `ResourceLimit`: nothing is silently cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows one statement may return.
    pub max_rows: u64,
    /// The upper bound of a variable-length pattern written without one (`*`, `*2..`): a longer
    /// path is an error, not left out.
    pub max_hops: u64,
    /// Bytes (an estimate) the rows a statement materialises may take at once.
    pub max_memory: u64,
}

impl Limits {
    /// The limits a statement runs under unless told otherwise.
    pub const DEFAULT: Limits = Limits { max_rows: 1_000_000, max_hops: 100, max_memory: 2 << 30 };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// A byte count for people: `512 KiB`, `2.0 GiB`.
pub fn format_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < UNITS.len() {
        v /= 1024.0;
        i += 1;
    }
    if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[i])
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

/// Reads `2GiB`, `512MB`, `100k`, `1e9` or a plain byte count.
pub fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase().replace('_', "");
    let split = t.find(|c: char| c.is_ascii_alphabetic() && c != 'e').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.trim().parse().ok()?;
    let mult: f64 = match unit.trim() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    let v = n * mult;
    (v.is_finite() && v >= 1.0 && v < u64::MAX as f64).then_some(v as u64)
}

/// The bytes the allocator takes for a request of `n`: a block of at least 32 with an 8-byte
/// header, in steps of 16 (glibc's malloc).
pub const fn heap(n: u64) -> u64 {
    let b = (n + 8 + 15) & !15;
    if b < 32 {
        32
    } else {
        b
    }
}

/// An estimate of the bytes a value takes: its slot and the heap blocks it owns, each as the
/// allocator rounds it (a two-element list is three blocks' worth, not two slots'). A list
/// shared between rows is counted whole in each: an estimate that only depends on the value,
/// so what is charged is what is released.
pub fn value_size(v: &Value) -> u64 {
    const BASE: u64 = std::mem::size_of::<Value>() as u64;
    BASE + match v {
        // An `Arc<str>`: two counts and the text in one block.
        Value::String(s) => heap(16 + s.len() as u64),
        // An `Arc<Vec<Value>>`: the counts and the vector's header, then the slots.
        Value::List(xs) => heap(16 + 24) + slots(xs) - BASE * xs.len() as u64 + xs.iter().map(value_size).sum::<u64>(),
        // An index map: its header, the entries (hash, key, value) and the index table.
        Value::Map(m) => {
            heap(96)
                + heap((8 + 24 + BASE) * m.len() as u64)
                + heap(9 * m.len() as u64)
                + m.iter().map(|(k, v)| heap(k.len() as u64) + value_size(v) - BASE).sum::<u64>()
        }
        Value::Path(p) => heap(48) + heap(8 * p.nodes.len() as u64) + heap(8 * p.rels.len() as u64),
        Value::Duration(_) => heap(32),
        _ => 0,
    }
}

/// The heap block of `values.len()` slots (none for none), as [`heap`] counts it.
fn slots(values: &[Value]) -> u64 {
    match values.len() as u64 {
        0 => 0,
        n => heap(n * std::mem::size_of::<Value>() as u64),
    }
}

/// An estimate of the bytes a row takes (a vector of values).
pub fn row_size(row: &[Value]) -> u64 {
    24 + slots(row) - std::mem::size_of_val(row) as u64 + row.iter().map(value_size).sum::<u64>()
}

/// What a hash set or map spends per entry beyond the entry itself: a control byte, and the
/// free slots of a table that doubles when seven eighths are full (one slot's worth, taking
/// the growth that copies the table into account).
pub const fn set_entry(slot: u64) -> u64 {
    slot + 1
}

impl Control {
    /// Called once per unit of work (a row, a list element): every 4096th call checks for
    /// cancellation and the deadline, so no loop runs on past Ctrl-C or `--timeout`.
    pub fn tick(&self) -> Result<()> {
        if self.ticks.fetch_add(1, AtomicOrdering::Relaxed) & 4095 == 4095 {
            self.check()?;
        }
        Ok(())
    }

    /// [`Control::tick`] for `n` units of work at once (one shared counter update instead of
    /// `n`, which threads working together would contend for).
    pub fn tick_n(&self, n: u64) -> Result<()> {
        let before = self.ticks.fetch_add(n, AtomicOrdering::Relaxed);
        if before >> 12 != before.wrapping_add(n) >> 12 {
            self.check()?;
        }
        Ok(())
    }

    /// Counts `bytes` more held by the running statement; an error past the memory limit.
    pub fn charge(&self, bytes: u64) -> Result<()> {
        let now = self.memory.fetch_add(bytes, AtomicOrdering::Relaxed).saturating_add(bytes);
        if now > self.limits.max_memory {
            self.memory.fetch_sub(bytes, AtomicOrdering::Relaxed);
            return Err(Error::runtime(
                Kind::ResourceLimit,
                Detail::MemoryLimit,
                format!(
                    "the query would hold more than {} of rows at once (an estimate)",
                    format_bytes(self.limits.max_memory)
                ),
            ));
        }
        Ok(())
    }

    /// Charges what the statement has added to the graph since the last charge, once it adds
    /// up to 64 KiB: the new state of a transaction, as Neo4j counts it, so a statement that
    /// creates millions of nodes stops at `--max-memory` instead of growing the process past
    /// it.
    pub(crate) fn charge_writes(&self, stats: &Stats) -> Result<()> {
        let bytes = stats.written_bytes();
        let [mark, held] = &*self.written;
        let from = mark.load(AtomicOrdering::Relaxed);
        if bytes >= from + (1 << 16) {
            self.charge(bytes - from)?;
            mark.store(bytes, AtomicOrdering::Relaxed);
            held.fetch_add(bytes - from, AtomicOrdering::Relaxed);
        }
        Ok(())
    }

    /// Lets go what the writes so far were charged (a batch of `IN TRANSACTIONS` ended: what it
    /// wrote is the graph's, or gone); later writes are charged from `stats` on.
    pub(crate) fn release_writes(&self, stats: &Stats) {
        let [mark, held] = &*self.written;
        self.release(held.swap(0, AtomicOrdering::Relaxed));
        mark.store(stats.written_bytes(), AtomicOrdering::Relaxed);
    }

    /// Whether one value of `bytes` about to be made fits beside what is held (nothing is
    /// kept charged: whoever holds the value counts it). Small values are not checked.
    pub fn fits(&self, bytes: u64) -> Result<()> {
        if bytes >= 1 << 20 {
            self.charge(bytes)?;
            self.release(bytes);
        }
        Ok(())
    }

    /// Gives back what [`Control::charge`] counted.
    pub fn release(&self, bytes: u64) {
        let _ = self
            .memory
            .fetch_update(AtomicOrdering::Relaxed, AtomicOrdering::Relaxed, |m| Some(m.saturating_sub(bytes)));
    }

    /// The error for a result longer than the row limit.
    pub fn too_many_rows(&self) -> Error {
        Error::runtime(
            Kind::ResourceLimit,
            Detail::RowLimit,
            format!("the result has more than {} rows (LIMIT or an aggregate keeps it smaller)", self.limits.max_rows),
        )
    }

    /// The error for a variable-length pattern without an upper bound that runs past the hop limit.
    pub fn too_many_hops(&self, cap: u64) -> Error {
        Error::runtime(
            Kind::ResourceLimit,
            Detail::PathLengthLimit,
            format!(
                "a variable-length pattern without an upper bound found a path longer than {cap} hops; give it \
                 one (e.g. *..{cap}) or raise the hop limit"
            ),
        )
    }

    /// An error once the statement has been cancelled or has run out of time.
    pub fn check(&self) -> Result<()> {
        if self.cancel.load(AtomicOrdering::Relaxed)
            || self.halt.as_ref().is_some_and(|h| h.load(AtomicOrdering::Relaxed))
        {
            return Err(Error::runtime(Kind::ResourceLimit, Detail::Cancelled, "the query was cancelled"));
        }
        if self.deadline.is_some_and(|d| Instant::now() > d) {
            return Err(Error::runtime(Kind::ResourceLimit, Detail::Timeout, "the query ran past its time limit"));
        }
        Ok(())
    }
}

pub(crate) type RowIter<'a> = Box<dyn Iterator<Item = Result<Row>> + 'a>;

/// Runs a plan; on error every change it made is undone.
pub fn execute(plan: &Plan, graph: &mut dyn GraphWrite, params: &Params, control: &Control) -> Result<QueryResult> {
    let sp = graph.savepoint();
    let input = Input::new(plan, &*graph, params);
    let result = execute_inner(plan, graph, &input, control)
        .and_then(|r| match graph.take_storage_error() {
            None => Ok(r),
            Some(why) => Err(Error::runtime(Kind::ResourceLimit, Detail::PropertyStorageFull, why)),
        })
        .and_then(|r| graph.check_constraints(sp).map(|_| r).map_err(constraint_error));
    match result {
        Ok(r) => {
            graph.commit(sp);
            Ok(r)
        }
        Err(e) => {
            graph.rollback(sp);
            // Restoring what a full store refused raises the same refusal: it is this error.
            let _ = graph.take_storage_error();
            Err(e)
        }
    }
}

fn execute_inner(plan: &Plan, graph: &mut dyn GraphWrite, input: &Input, control: &Control) -> Result<QueryResult> {
    let mut stats = Stats::default();
    let mut rows: Vec<Row> = Vec::new();
    control.memory.store(0, AtomicOrdering::Relaxed);
    control.written.iter().for_each(|w| w.store(0, AtomicOrdering::Relaxed));
    control.batches.store(0, AtomicOrdering::Relaxed);
    control.batches_stopped.store(false, AtomicOrdering::Relaxed);
    for part in &plan.parts {
        rows.extend(run_pipeline(part, graph, input, control, &mut stats)?);
        if rows.len() as u64 > control.limits.max_rows {
            return Err(control.too_many_rows());
        }
    }
    // UNION (without ALL) removes duplicate rows.
    if plan.parts.len() > 1 && !plan.union_all.iter().all(|a| *a) {
        let mut seen = std::collections::HashSet::new();
        rows.retain(|r| seen.insert(r.clone()));
    }
    Ok(QueryResult { columns: plan.columns.clone(), rows, stats, profile: None })
}

/// A constraint the store refused to make, drop or keep, as an error.
pub(crate) fn constraint_error(e: crate::store::constraints::ConstraintError) -> Error {
    use crate::store::constraints::ConstraintError as C;
    let (kind, detail) = match &e {
        C::Equivalent(_) => (Kind::SemanticError, Detail::EquivalentSchemaRuleAlreadyExists),
        C::Exists(_) => (Kind::SemanticError, Detail::ConstraintAlreadyExists),
        C::CreationFailed(_) => (Kind::ConstraintVerificationFailed, Detail::ConstraintCreationFailed),
        C::NotFound(_) => (Kind::SemanticError, Detail::ConstraintNotFound),
        C::Violated(_) => (Kind::ConstraintVerificationFailed, Detail::ConstraintValidationFailed),
    };
    Error::runtime(kind, detail, e.message().to_string())
}

/// Runs a plan that does not write over a read view (a transaction's snapshot), handing each
/// row to `sink` as it is made: nothing but what the plan itself must hold (a sort, a group) is
/// kept, so a result of any size streams (and the row limit, which guards memory, does not
/// apply). An error from `sink` stops the run and is returned.
pub fn execute_read(
    plan: &Plan,
    graph: &dyn GraphRead,
    params: &Params,
    control: &Control,
    sink: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<()> {
    if plan.writes() {
        return Err(Error::runtime(
            Kind::TransactionError,
            Detail::None,
            "a statement that writes cannot run in a read-only view",
        ));
    }
    control.memory.store(0, AtomicOrdering::Relaxed);
    let distinct = plan.parts.len() > 1 && !plan.union_all.iter().all(|a| *a);
    let mut seen = std::collections::HashSet::new();
    let input = Input::new(plan, graph, params);
    for p in &plan.parts {
        let ctx = Ctx::new(graph, &input, p.slots, control);
        let start: RowIter = Box::new(std::iter::once(Ok(vec![Value::Null; p.slots])));
        for r in push::build(&p.ops, start, ctx) {
            let r = r?;
            control.tick()?;
            if p.output.is_empty() {
                continue;
            }
            let row: Row = p.output.iter().map(|&s| r[s].clone()).collect();
            if distinct && !seen.insert(row.clone()) {
                continue;
            }
            sink(row)?;
        }
    }
    Ok(())
}

/// Runs one single query: read segments stream, write operators drain and mutate.
fn run_pipeline(
    p: &Pipeline,
    graph: &mut dyn GraphWrite,
    input: &Input,
    control: &Control,
    stats: &mut Stats,
) -> Result<Vec<Row>> {
    let mut rows: Vec<Row> = vec![vec![Value::Null; p.slots]];
    let mut i = 0;
    if let Some((j, out)) = stream_first_write(p, graph, input, control, stats)? {
        rows = out;
        i = j + 1;
    }
    let wanted = !p.output.is_empty();
    let rows = run_ops(&p.ops[i..], rows, p.slots, graph, input, control, stats, wanted)?;
    if !wanted {
        // A query that ends in an update returns no rows.
        return Ok(Vec::new());
    }
    Ok(rows.into_iter().map(|r| p.output.iter().map(|&s| r[s].clone()).collect()).collect())
}

/// Runs operators over rows of `width` slots: read segments stream, write operators drain and
/// mutate. `wanted`: the rows that come out are read (a statement's result counts against the
/// row limit; rows nobody reads are let go as they are written).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_ops(
    ops: &[Op],
    mut rows: Vec<Row>,
    width: usize,
    graph: &mut dyn GraphWrite,
    input: &Input,
    control: &Control,
    stats: &mut Stats,
    wanted: bool,
) -> Result<Vec<Row>> {
    let mut i = 0;
    let mut held = 0;
    while i < ops.len() {
        let j = ops[i..].iter().position(Op::writes).map_or(ops.len(), |k| i + k);
        if j > i {
            let ctx = Ctx::new(graph, input, width, control);
            let it = push::build(&ops[i..j], Box::new(rows.into_iter().map(Ok)), ctx);
            // The rows the statement returns count against --max-rows; all that are held here
            // count against --max-memory.
            let returned = j == ops.len() && wanted;
            control.release(held);
            held = 0;
            rows = Vec::new();
            for r in it {
                let r = r?;
                control.tick()?;
                let size = row_size(&r);
                control.charge(size)?;
                held += size;
                rows.push(r);
                if returned && rows.len() as u64 > control.limits.max_rows {
                    return Err(control.too_many_rows());
                }
            }
        }
        if j < ops.len() {
            let t = Instant::now();
            let (n, keep) = (rows.len(), j + 1 < ops.len() || wanted);
            rows = write::apply(&ops[j], rows, graph, input, control, stats, keep)?;
            if let Some(p) = &control.profile {
                // A CREATE whose rows were let go (see write::apply) passed each one on.
                let passed = if matches!(ops[j], Op::Create { .. }) && !keep { n } else { rows.len() };
                p.record(&ops[j], passed, t.elapsed());
            }
        }
        i = j + 1;
    }
    if !wanted {
        control.release(held);
    }
    Ok(rows)
}

/// How many rows a write takes at a time when its input streams (see [`stream_first_write`]).
const WRITE_CHUNK: usize = 4096;

/// Runs the first write of a pipeline while the operators before it make rows, a chunk at a
/// time, when those read nothing of the graph (`plan::reads_no_graph`: `UNWIND $rows AS r
/// CREATE ...`, `UNWIND range(...) ... CREATE`) and no parameter holds a node or relationship:
/// their rows are the same whatever the write does, so they need not all be made and held
/// first. `None` when the pipeline is not of that shape; else where the write is, and its rows.
fn stream_first_write(
    p: &Pipeline,
    graph: &mut dyn GraphWrite,
    input: &Input,
    control: &Control,
    stats: &mut Stats,
) -> Result<Option<(usize, Vec<Row>)>> {
    let ops = &p.ops;
    let Some(j) = ops.iter().position(Op::writes) else { return Ok(None) };
    if j == 0 || !crate::plan::reads_no_graph(&ops[..j]) || input.params.values().any(holds_entity) {
        return Ok(None);
    }
    // IN TRANSACTIONS takes its rows a batch at a time.
    let size = match &ops[j] {
        Op::SubQuery { batch: Some(b), .. } => {
            let ctx = Ctx::new(crate::store::empty_graph(), input, p.slots, control);
            subquery::batch_size(b, ctx, None)?
        }
        _ => WRITE_CHUNK,
    };
    let keep = rows_read_after(p, j);
    let ctx = Ctx::new(crate::store::empty_graph(), input, p.slots, control);
    if let ([Op::Unwind { expr, slot }], Op::Create { parts, span }, false, None) =
        (&ops[..j], &ops[j], keep, &control.profile)
    {
        unwind_create((expr, *slot), (parts, *span), graph, input, ctx, stats)?;
        return Ok(Some((j, Vec::new())));
    }
    let first = vec![Value::Null; p.slots];
    let it = push::build(&ops[..j], Box::new(std::iter::once(Ok(first))), ctx);
    let (t, mut passed, mut out) = (Instant::now(), 0, Vec::new());
    let mut chunk = Vec::with_capacity(size.min(WRITE_CHUNK));
    let mut it = it.peekable();
    while let Some(r) = it.next() {
        let r = r?;
        control.tick()?;
        chunk.push(r);
        if chunk.len() == size || it.peek().is_none() {
            let size: u64 = chunk.iter().map(|r| row_size(r)).sum();
            control.charge(size)?;
            passed += chunk.len();
            let rows = write::apply(&ops[j], std::mem::take(&mut chunk), graph, input, control, stats, keep);
            control.release(size);
            out.extend(rows?);
        }
    }
    if let Some(prof) = &control.profile {
        prof.record(&ops[j], if keep { out.len() } else { passed }, t.elapsed());
    }
    Ok(Some((j, out)))
}

/// `UNWIND ... CREATE ...` that ends a statement (the bulk load of a driver's batch, or of a
/// range): each value is created from one row, used again, so no row is made per value.
fn unwind_create(
    (expr, slot): (&crate::plan::Expr, usize),
    (parts, clause): (&[crate::plan::CreatePart], crate::error::Span),
    graph: &mut dyn GraphWrite,
    input: &Input,
    ctx: Ctx,
    stats: &mut Stats,
) -> Result<()> {
    let mut row = vec![Value::Null; ctx.width];
    let values = match read::unwind(expr, &row, ctx)? {
        read::Unwound::One(v) => Box::new(std::iter::once(v)),
        read::Unwound::Many(values) => values,
    };
    for v in values {
        // As in a row of its own: nothing but the value is bound yet.
        row.iter_mut().for_each(|x| *x = Value::Null);
        row[slot] = v;
        write::create_row(parts, &mut row, graph, input, ctx.control, stats).map_err(|e| e.at(clause))?;
    }
    Ok(())
}

/// Whether anything reads the rows of the write at `j`: an operator after it, or the result.
fn rows_read_after(p: &Pipeline, j: usize) -> bool {
    j + 1 < p.ops.len() || !p.output.is_empty()
}

/// Whether a value is or holds a node, a relationship or a path.
fn holds_entity(v: &Value) -> bool {
    match v {
        Value::Node(_) | Value::Rel(_) | Value::Path(_) => true,
        Value::List(xs) => xs.iter().any(holds_entity),
        Value::Map(m) => m.values().any(holds_entity),
        _ => false,
    }
}

/// Runs a sub-plan (an OPTIONAL MATCH body, an existential pattern) for one row.
pub(crate) fn run_sub<'a>(ops: &'a [Op], row: Row, ctx: Ctx<'a>) -> RowIter<'a> {
    push::build(ops, Box::new(std::iter::once(Ok(row))), ctx)
}

/// Whether a `WHERE` keeps its row, given the predicate's value: true keeps it, false and null
/// drop it, anything else is an error ([`not_boolean`]).
pub(crate) fn holds(predicate: &crate::plan::Expr, v: Value) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(b),
        Value::Null => Ok(false),
        v => Err(not_boolean(predicate, &v)),
    }
}

/// A `WHERE` that gave something other than a boolean (or null), pointing at the predicate.
pub(crate) fn not_boolean(predicate: &crate::plan::Expr, v: &Value) -> Error {
    type_err("WHERE expects a boolean", v).at_opt(predicate.span())
}

/// An error of a function's argument: a value of the right type that the function refuses.
pub(crate) fn arg_err(msg: impl Into<String>) -> Error {
    Error::runtime(Kind::ArgumentError, Detail::InvalidArgumentValue, msg)
}

/// An error for a value of the wrong type: `what`, and the value that was given.
pub(crate) fn type_err(what: &str, v: &Value) -> Error {
    Error::type_error(
        Detail::InvalidArgumentType,
        format!("{what}, got {} {}", v.type_name(), crate::value::to_cypher_literal(v)),
    )
}
