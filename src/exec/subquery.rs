//! Subqueries: `CALL { ... }` (read-only ones pulled like any operator, writing ones run row by
//! row, `IN TRANSACTIONS` in batches) and `FOREACH` (the `EXISTS`/`COUNT`/`COLLECT` expressions
//! are in `exists.rs`, below the expressions that use them). A subquery's pipelines work on the outer row: imported variables are the outer
//! slots, and what it returns is copied into the outer row's slots for its columns.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use indexmap::IndexMap;

use super::eval::eval;
use super::exists::returns;
use super::rows::{flat_map_ok, one};
use super::{run_ops, type_err, Control, Ctx, Input, Row, RowIter, Stats};
use crate::ast::OnError;
use crate::error::{Detail, Error, Kind, Result};
use crate::plan::{Batching, Op, SubPlan};
use crate::store::GraphWrite;
use crate::value::Value;

/// A read-only `CALL { ... }`, pulled: each outer row comes out once per row the subquery
/// returns, with its columns filled in (once, unchanged, when it returns nothing at all).
pub(crate) fn pull<'a>(
    sub: &'a SubPlan,
    columns: &'a [usize],
    optional: bool,
    input: RowIter<'a>,
    ctx: Ctx<'a>,
) -> RowIter<'a> {
    let unit = sub.parts.iter().all(|p| p.output.is_empty());
    flat_map_ok(input, move |row| {
        let mut made = returns(sub, &row, ctx).peekable();
        if unit {
            return match made.collect::<Result<Vec<_>>>() {
                Ok(_) => one(Ok(row)),
                Err(e) => one(Err(e)),
            };
        }
        if optional && made.peek().is_none() {
            let mut out = row;
            columns.iter().for_each(|&s| out[s] = Value::Null);
            return one(Ok(out));
        }
        Box::new(made.map(move |vals| {
            let mut out = row.clone();
            for (&s, v) in columns.iter().zip(vals?) {
                out[s] = v;
            }
            Ok(out)
        }))
    })
}

/// Where a writing subquery runs: the graph it changes and the statement's controls.
pub(crate) struct Run<'a, 'g> {
    pub graph: &'g mut dyn GraphWrite,
    pub input: &'a Input<'a>,
    pub control: &'a Control,
    pub stats: &'a mut Stats,
    pub width: usize,
    /// `OPTIONAL CALL`.
    pub optional: bool,
}

impl Run<'_, '_> {
    /// A `CALL { ... }` that writes, for one outer row: the rows it gives.
    fn call(&mut self, sub: &SubPlan, columns: &[usize], row: &Row) -> Result<Vec<Row>> {
        let unit = sub.parts.iter().all(|p| p.output.is_empty());
        let mut seen: HashSet<Row, ahash::RandomState> = HashSet::default();
        let mut out = Vec::new();
        for p in &sub.parts {
            let wanted = !p.output.is_empty();
            let (w, input, control) = (self.width, self.input, self.control);
            let made = run_ops(&p.ops, vec![row.clone()], w, self.graph, input, control, self.stats, wanted)?;
            if !wanted {
                continue;
            }
            for r in made {
                let vals: Row = p.output.iter().map(|&s| r[s].clone()).collect();
                if sub.distinct() && !seen.insert(vals.clone()) {
                    continue;
                }
                let mut o = row.clone();
                for (&s, v) in columns.iter().zip(vals) {
                    o[s] = v;
                }
                out.push(o);
            }
        }
        if unit {
            out.push(row.clone());
        } else if self.optional && out.is_empty() {
            let mut o = row.clone();
            columns.iter().for_each(|&s| o[s] = Value::Null);
            out.push(o);
        }
        Ok(out)
    }

    /// `CALL { ... }` over all rows, row after row (so each sees what the ones before wrote),
    /// in batches with `IN TRANSACTIONS`.
    pub(crate) fn subquery(
        &mut self,
        sub: &SubPlan,
        columns: &[usize],
        batch: Option<&Batching>,
        rows: Vec<Row>,
    ) -> Result<Vec<Row>> {
        let Some(b) = batch else {
            let mut out = Vec::new();
            for row in &rows {
                self.control.check()?;
                out.extend(self.call(sub, columns, row)?);
            }
            return Ok(out);
        };
        let ctx = Ctx::new(&*self.graph, self.input, self.width, self.control);
        let size = batch_size(b, ctx, rows.first())?;
        let mut out = Vec::new();
        let counter = &self.control.batches;
        for chunk in rows.chunks(size) {
            let stopped = self.control.batches_stopped.load(Ordering::Relaxed);
            let id = Value::str(&format!("silkgraph-batch-{}", counter.fetch_add(1, Ordering::Relaxed) + 1));
            let status = |started: bool, committed: bool, error: Option<&Error>| {
                let mut m = IndexMap::new();
                m.insert("started".to_string(), Value::Bool(started));
                m.insert("committed".to_string(), Value::Bool(committed));
                m.insert("transactionId".to_string(), if started { id.clone() } else { Value::Null });
                m.insert("errorMessage".to_string(), error.map_or(Value::Null, |e| Value::str(&e.message)));
                Value::Map(Box::new(m))
            };
            // The rows of a batch that did not run: the outer rows, with nulls for the columns.
            let skipped = |status: Value, out: &mut Vec<Row>| {
                for row in chunk {
                    let mut o = row.clone();
                    columns.iter().for_each(|&s| o[s] = Value::Null);
                    if let Some(r) = b.report {
                        o[r] = status.clone();
                    }
                    out.push(o);
                }
            };
            if stopped {
                skipped(status(false, false, None), &mut out);
                continue;
            }
            let sp = self.graph.savepoint();
            let stats_before = *self.stats;
            let mut made = Vec::new();
            let mut failed = None;
            for row in chunk {
                match self.control.check().and_then(|_| self.call(sub, columns, row)) {
                    Ok(rows) => made.extend(rows),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            if failed.is_none() {
                failed = self.graph.check_constraints(sp).err().map(super::constraint_error);
            }
            if failed.is_none() {
                self.graph.commit(sp);
                self.control.release_writes(self.stats);
                // On a database the batch is made durable now, whatever comes after it.
                if let Some(d) = &self.control.durable {
                    (d.0)(self.graph)?;
                }
                if let Some(r) = b.report {
                    made.iter_mut().for_each(|o| o[r] = status(true, true, None));
                }
                out.extend(made);
                continue;
            }
            match failed {
                None => {}
                // Cancellation and limits stop the statement whatever ON ERROR says.
                Some(e) if b.on_error == OnError::Fail || is_stop(&e) => {
                    self.graph.rollback(sp);
                    return Err(e);
                }
                Some(e) => {
                    self.graph.rollback(sp);
                    *self.stats = stats_before;
                    self.control.release_writes(self.stats);
                    skipped(status(true, false, Some(&e)), &mut out);
                    if b.on_error == OnError::Break {
                        self.control.batches_stopped.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
        Ok(out)
    }

    /// `FOREACH`: the updates for each element of the list, the rows passed on unchanged.
    pub(crate) fn foreach(&mut self, slot: usize, list: &crate::plan::Expr, ops: &[Op], rows: &[Row]) -> Result<()> {
        for row in rows {
            let ctx = Ctx::new(&*self.graph, self.input, self.width, self.control);
            let items = match eval(list, row, ctx)? {
                Value::Null => continue,
                Value::List(items) => items,
                v => return Err(type_err("FOREACH expects a list", &v)),
            };
            for item in items {
                self.control.tick()?;
                let mut r = row.clone();
                r[slot] = item;
                let (w, input, control) = (self.width, self.input, self.control);
                run_ops(ops, vec![r], w, self.graph, input, control, self.stats, false)?;
            }
        }
        Ok(())
    }
}

/// `OF n ROWS`: a positive integer (1000 when not written), evaluated over the first row.
pub(crate) fn batch_size(b: &Batching, ctx: Ctx, first: Option<&Row>) -> Result<usize> {
    let Some(e) = &b.rows else { return Ok(1000) };
    let empty = vec![Value::Null; ctx.width];
    match eval(e, first.unwrap_or(&empty), ctx)? {
        Value::Int(n) if n > 0 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        v => Err(Error::runtime(
            Kind::ArgumentError,
            Detail::InvalidArgumentValue,
            format!("IN TRANSACTIONS OF n ROWS needs a positive integer, not {}", v.type_name()),
        )),
    }
}

/// Whether an error stops a statement whatever `ON ERROR` says: a cancel or a limit.
fn is_stop(e: &Error) -> bool {
    e.kind == Kind::ResourceLimit
}
