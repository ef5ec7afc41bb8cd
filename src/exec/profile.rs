//! `PROFILE`: runs a statement counting, for each operator of its plan, the rows it produced
//! and the time spent in it, and answers with the plan annotated by those figures instead of
//! the statement's rows. Changes the statement makes are kept, as in Neo4j.
//!
//! An operator's rows are counted as they leave it; its time is measured around each request
//! for its next row (which includes the time of the operators feeding it), and the operator's
//! own time is that minus the time of the operator below it in the same pipeline (and of the
//! sub-plan an `OPTIONAL MATCH` or `MERGE` runs).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{read, Ctx, Row, RowIter};
use crate::error::Result;
use crate::plan::{Op, Plan};
use crate::value::Value;

/// [`read::apply`], counted when a `PROFILE` runs. Operators that need all their input before
/// their first row (aggregation, sorting) do that work when they are set up, so the set-up is
/// timed too.
pub(crate) fn apply<'a>(op: &'a Op, input: RowIter<'a>, ctx: Ctx<'a>) -> RowIter<'a> {
    apply_with(op, ctx, || read::apply(op, input, ctx))
}

/// [`apply`] with the operator set up by `make`.
pub(crate) fn apply_with<'a>(op: &'a Op, ctx: Ctx<'a>, make: impl FnOnce() -> RowIter<'a>) -> RowIter<'a> {
    match &ctx.control.profile {
        None => make(),
        Some(p) => {
            let t = Instant::now();
            let it = make();
            p.add(key(op), 0, t.elapsed());
            p.wrap(op, it)
        }
    }
}

/// Rows and time per operator, by the operator's address in the plan being run.
#[derive(Debug, Default)]
pub struct Profile {
    ops: Mutex<HashMap<usize, Stat>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Stat {
    rows: u64,
    /// Time in the operator and in those feeding it.
    total: Duration,
}

fn key(op: &Op) -> usize {
    op as *const Op as usize
}

impl Profile {
    fn add(&self, op: usize, rows: u64, time: Duration) {
        if let Ok(mut m) = self.ops.lock() {
            let s = m.entry(op).or_default();
            s.rows += rows;
            s.total += time;
        }
    }

    fn get(&self, op: &Op) -> Stat {
        self.ops.lock().ok().and_then(|m| m.get(&key(op)).copied()).unwrap_or_default()
    }

    /// Counts the rows `it` (the output of `op`) produces and the time spent producing them.
    pub(crate) fn wrap<'a>(&'a self, op: &'a Op, it: RowIter<'a>) -> RowIter<'a> {
        Box::new(Counted { it, op: key(op), profile: self })
    }

    /// Records a write operator that turned its input into `rows` rows in `time`.
    pub(crate) fn record(&self, op: &Op, rows: usize, time: Duration) {
        self.add(key(op), rows as u64, time);
    }

    /// The annotated plan: one row per operator, `(operator, rows, time in ms)`, in the
    /// layout of `EXPLAIN`, then a total.
    pub fn rows(&self, plan: &Plan, returned: usize, elapsed: Duration) -> Vec<Vec<Value>> {
        let ms = |d: Duration| Value::Float((d.as_secs_f64() * 1e6).round() / 1e3);
        let mut out = Vec::new();
        for (i, p) in plan.parts.iter().enumerate() {
            if i > 0 {
                let name = if plan.union_all[i - 1] { "UnionAll" } else { "Union" };
                out.push(vec![Value::str(name), Value::Null, Value::Null]);
            }
            let top = p.ops.last().map(|op| self.get(op));
            let rows = if plan.parts.len() == 1 { returned as u64 } else { top.map_or(0, |s| s.rows) };
            out.push(vec![
                Value::str(&format!("ProduceResults [{}]", plan.columns.join(", "))),
                Value::Int(rows as i64),
                Value::Null,
            ]);
            self.chain(&p.ops, 1, &p.names, &mut out, &ms);
        }
        out.push(vec![Value::str("Total"), Value::Int(returned as i64), ms(elapsed)]);
        out
    }

    fn chain(
        &self,
        ops: &[Op],
        depth: usize,
        names: &[String],
        out: &mut Vec<Vec<Value>>,
        ms: &dyn Fn(Duration) -> Value,
    ) {
        let notes = crate::plan::fuse::notes(ops, true);
        for (k, op) in ops.iter().enumerate().rev() {
            let s = self.get(op);
            let below = if k > 0 { self.get(&ops[k - 1]).total } else { Duration::ZERO };
            let inner = match op {
                Op::Optional { ops, .. } | Op::Merge { matcher: ops, .. } => {
                    ops.last().map_or(Duration::ZERO, |o| self.get(o).total)
                }
                _ => Duration::ZERO,
            };
            // Write operators are timed alone (they drain their input first).
            let own = if op.writes() { s.total } else { s.total.saturating_sub(below).saturating_sub(inner) };
            let op_text = crate::plan::with_note(op, &notes[k]);
            let line = crate::plan::name_slots(&format!("{}{op_text}", "  ".repeat(depth)), names);
            out.push(vec![Value::str(&line), Value::Int(s.rows as i64), ms(own)]);
            if let Op::Optional { ops, .. } | Op::Merge { matcher: ops, .. } = op {
                self.chain(ops, depth + 2, names, out, ms);
            }
        }
    }
}

struct Counted<'a> {
    it: RowIter<'a>,
    op: usize,
    profile: &'a Profile,
}

impl Iterator for Counted<'_> {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        let t = Instant::now();
        let r = self.it.next();
        let rows = u64::from(matches!(r, Some(Ok(_))));
        self.profile.add(self.op, rows, t.elapsed());
        r
    }
}
