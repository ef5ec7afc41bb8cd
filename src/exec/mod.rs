//! Runs plans over the store. Read operators stream rows through iterators; a clause that
//! writes first drains the rows before it (Cypher's clause-at-a-time semantics), then changes
//! the graph, then reading resumes. A failed statement rolls its changes back.

mod aggregate;
mod eval;
mod functions;
mod procedures;
mod read;
mod write;

use indexmap::IndexMap;

use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::Arc;
use std::time::Instant;

use crate::error::{Error, Kind, Result};
use crate::plan::{Op, Pipeline, Plan};
use crate::store::Graph;
use crate::value::Value;

pub use eval::eval;

/// A row: one value per slot.
pub type Row = Vec<Value>;

/// Query parameters.
pub type Params = IndexMap<String, Value>;

/// What a statement changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub nodes_created: u64,
    pub nodes_deleted: u64,
    pub relationships_created: u64,
    pub relationships_deleted: u64,
    pub labels_added: u64,
    pub labels_removed: u64,
    pub properties_set: u64,
    pub properties_removed: u64,
}

impl Stats {
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
}

/// The rows a statement returned and what it changed.
#[derive(Debug, Clone, Default)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub stats: Stats,
}

/// Everything an operator reads: the graph, the parameters and the run's controls.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub graph: &'a Graph,
    pub params: &'a Params,
    /// Row width of the running pipeline.
    pub width: usize,
    pub control: &'a Control,
}

/// How a running statement can be stopped: a cancel flag (Ctrl-C) and a deadline.
#[derive(Debug, Clone, Default)]
pub struct Control {
    pub cancel: Arc<AtomicBool>,
    pub deadline: Option<Instant>,
}

impl Control {
    /// An error once the statement has been cancelled or has run out of time.
    pub fn check(&self) -> Result<()> {
        if self.cancel.load(AtomicOrdering::Relaxed) {
            return Err(Error::runtime(Kind::ResourceLimit, "Cancelled", "the query was cancelled"));
        }
        if self.deadline.is_some_and(|d| Instant::now() > d) {
            return Err(Error::runtime(
                Kind::ResourceLimit,
                "Timeout",
                "the query ran past its time limit (--timeout)",
            ));
        }
        Ok(())
    }
}

pub(crate) type RowIter<'a> = Box<dyn Iterator<Item = Result<Row>> + 'a>;

/// Runs a plan; on error every change it made is undone.
pub fn execute(plan: &Plan, graph: &mut Graph, params: &Params, control: &Control) -> Result<QueryResult> {
    let sp = graph.savepoint();
    match execute_inner(plan, graph, params, control) {
        Ok(r) => {
            graph.commit(sp);
            Ok(r)
        }
        Err(e) => {
            graph.rollback(sp);
            Err(e)
        }
    }
}

fn execute_inner(plan: &Plan, graph: &mut Graph, params: &Params, control: &Control) -> Result<QueryResult> {
    let mut stats = Stats::default();
    let mut rows: Vec<Row> = Vec::new();
    for part in &plan.parts {
        rows.extend(run_pipeline(part, graph, params, control, &mut stats)?);
    }
    // UNION (without ALL) removes duplicate rows.
    if plan.parts.len() > 1 && !plan.union_all.iter().all(|a| *a) {
        let mut seen = std::collections::HashSet::new();
        rows.retain(|r| seen.insert(r.clone()));
    }
    Ok(QueryResult { columns: plan.columns.clone(), rows, stats })
}

/// Runs one single query: read segments stream, write operators drain and mutate.
fn run_pipeline(
    p: &Pipeline,
    graph: &mut Graph,
    params: &Params,
    control: &Control,
    stats: &mut Stats,
) -> Result<Vec<Row>> {
    let mut rows: Vec<Row> = vec![vec![Value::Null; p.slots]];
    let mut i = 0;
    let ops = &p.ops;
    while i < ops.len() {
        let j = ops[i..].iter().position(Op::writes).map_or(ops.len(), |k| i + k);
        if j > i {
            let ctx = Ctx { graph, params, width: p.slots, control };
            let mut it: RowIter = Box::new(rows.into_iter().map(Ok));
            for op in &ops[i..j] {
                it = read::apply(op, it, ctx);
            }
            rows = it.collect::<Result<Vec<Row>>>()?;
        }
        if j < ops.len() {
            rows = write::apply(&ops[j], rows, graph, params, control, stats)?;
        }
        i = j + 1;
    }
    if p.output.is_empty() {
        // A query that ends in an update returns no rows.
        return Ok(Vec::new());
    }
    Ok(rows.into_iter().map(|r| p.output.iter().map(|&s| r[s].clone()).collect()).collect())
}

/// Runs a sub-plan (an OPTIONAL MATCH body, an existential pattern) for one row.
pub(crate) fn run_sub<'a>(ops: &'a [Op], row: Row, ctx: Ctx<'a>) -> RowIter<'a> {
    let mut it: RowIter = Box::new(std::iter::once(Ok(row)));
    for op in ops {
        it = read::apply(op, it, ctx);
    }
    it
}

/// An error for a value of the wrong type.
pub(crate) fn type_err(what: &str, v: &Value) -> Error {
    Error::type_error(
        "InvalidArgumentType",
        format!("{what}, got {} {}", v.type_name(), crate::value::to_cypher_literal(v)),
    )
}
