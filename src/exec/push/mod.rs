//! Push-based running of the streaming operators that feed one needing all its input (an
//! aggregation, a sort). Pulled through iterators, every operator hands on a row of its own:
//! an expansion copies its input row once per match, which for a few hundred thousand
//! matches costs more than finding them. Pushed, the operators between a source and the
//! blocking one share a single row buffer: each writes the slots it binds and calls the next
//! with a reference, and only the blocking operator copies what it keeps (a group's first
//! row, a row that may be in the top k).
//!
//! Scans, node checks, filters, projections and single-hop expansions are pushed; the others
//! (variable-length and shortest paths, OPTIONAL, UNWIND, procedures, writes) stay pulled and
//! feed the pushed ones. `PROFILE` counts the rows of pushed operators as usual and shows the
//! time of the whole pushed run on its first operator.

use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

use super::eval::eval;
use super::expand::{partial_count, Check, Hop, Names};
use super::pattern::NodeCheck;
use super::read;
use super::scan::scan_ids;
use super::{Ctx, Keep, Row, RowIter};
use crate::error::Result;
use crate::plan::{fuse, Agg, Expr, NodeSpec, Op, RelSpec, Slot};
use crate::value::Value;

pub(super) mod fast;
mod parallel;
mod partial;

/// Builds the operators of a read segment on `input`, pushing the streaming operators that
/// feed a blocking one into it, as [`crate::plan::fuse`] decides.
pub(crate) fn build<'a>(ops: &'a [Op], input: RowIter<'a>, ctx: Ctx<'a>) -> RowIter<'a> {
    let mut it = input;
    let mut runs = fuse::fused(ops).into_iter().peekable();
    let mut k = 0;
    while k < ops.len() {
        let op = &ops[k];
        if let Some(f) = runs.next_if(|f| f.start == k) {
            let (chain, end) = (&ops[f.start..f.end], &ops[f.end]);
            it = super::profile::apply_with(end, ctx, move || consume(chain, end, f.parallel, it, ctx));
            k = f.end + 1;
            continue;
        }
        it = if fuse::blocking(op) {
            super::profile::apply_with(op, ctx, move || consume(&[], op, false, it, ctx))
        } else {
            super::profile::apply(op, it, ctx)
        };
        k += 1;
    }
    it
}

/// Runs a blocking operator on the rows `chain` (fused operators) makes of `input`, on all
/// cores if `parallel` (and not under `PROFILE`, where one thread runs it so that times add
/// up).
pub(crate) fn consume<'a>(
    chain: &'a [Op],
    op: &'a Op,
    parallel: bool,
    input: RowIter<'a>,
    ctx: Ctx<'a>,
) -> RowIter<'a> {
    match op {
        Op::Aggregate { keys, aggs } => super::aggregate::run(keys, aggs, ctx, |g| match chain.first() {
            Some(Op::NodeScan { node }) if parallel && ctx.control.profile.is_none() => {
                parallel::aggregate(node, &chain[1..], input, ctx, g)
            }
            _ => drive(chain, input, ctx, &mut |row| g.add(row)),
        }),
        Op::Sort { keys, top, lazy } => {
            super::sort::run(keys, top, *lazy, ctx, |s| drive(chain, input, ctx, &mut |row| s.add(row)))
        }
        other => read::apply(other, input, ctx),
    }
}

/// Hands every row `chain` makes of `input` to `sink`.
fn drive<'a>(
    chain: &'a [Op],
    input: RowIter<'a>,
    ctx: Ctx<'a>,
    sink: &mut dyn FnMut(Keep) -> Result<()>,
) -> Result<()> {
    if chain.is_empty() {
        for r in input {
            sink(Keep::Owned(r?))?;
        }
        return Ok(());
    }
    let t = Instant::now();
    let steps = Chain::new(chain, ctx);
    let mut to_sink = |row: &Row| sink(Keep::Borrowed(row));
    let mut r = Ok(());
    for row in input {
        r = row.and_then(|mut row| steps.run(0, &mut row, &mut to_sink));
        if r.is_err() {
            break;
        }
    }
    steps.record(t.elapsed());
    r
}

/// The pushed operators, prepared once, with the rows each has made.
pub(super) struct Chain<'a> {
    steps: Vec<(&'a Op, Step<'a>, Cell<u64>)>,
    ctx: Ctx<'a>,
    /// Rows filtered since the statement's work counter was last told.
    ticks: Cell<u64>,
}

enum Step<'a> {
    Scan(&'a NodeSpec),
    Check(NodeCheck<'a>),
    /// With the comparison read through a property reader, if it is one.
    Filter(&'a Expr, Option<fast::Compare<'a>>),
    /// With the items that are properties read through readers.
    Project(&'a [(Expr, Slot)], Vec<Option<fast::PropRead<'a>>>, RefCell<Vec<Value>>),
    Expand(ExpandStep<'a>),
}

struct ExpandStep<'a> {
    from: Slot,
    rel: &'a RelSpec,
    to: &'a NodeSpec,
    bound: (bool, bool),
    distinct_from: &'a [Slot],
    count: Option<Slot>,
    /// With `count`: the aggregates computed over each row's matches, and readers of their
    /// arguments where those are properties.
    partial: &'a [Agg],
    partial_reads: Vec<Option<fast::PropRead<'a>>>,
    /// With `count`: the conditions each match must meet, with the comparison read through a
    /// property reader where it is one.
    checks: Vec<(&'a Expr, Option<fast::Compare<'a>>)>,
    /// Counts the next (counting) step per match, and passes the row on once with the sum.
    fold: bool,
    /// `None`: a type or label of the pattern does not exist; nothing matches.
    names: Option<Names>,
    /// Nothing bound at either end, and no label or property to check (see `Names::plain`).
    plain: bool,
}

impl<'a> Chain<'a> {
    pub(super) fn new(ops: &'a [Op], ctx: Ctx<'a>) -> Chain<'a> {
        let step = |op: &'a Op| match op {
            Op::NodeScan { node } => Step::Scan(node),
            Op::NodeCheck { node } => Step::Check(NodeCheck::new(node, ctx)),
            Op::Filter { predicate } => Step::Filter(predicate, fast::Compare::new(predicate, ctx)),
            Op::Project { items } => Step::Project(
                items,
                items.iter().map(|(e, _)| fast::PropRead::new(e, ctx)).collect(),
                RefCell::new(Vec::with_capacity(items.len())),
            ),
            Op::Expand { from, rel, to, to_bound, rel_bound, distinct_from, count, partial, checks, fold } => {
                let names = Names::new(ctx, rel, to);
                let plain = !to_bound && !rel_bound && names.as_ref().is_some_and(Names::plain);
                Step::Expand(ExpandStep {
                    from: *from,
                    rel,
                    to,
                    bound: (*to_bound, *rel_bound),
                    distinct_from,
                    count: *count,
                    partial,
                    partial_reads: partial
                        .iter()
                        .map(|a| a.args.first().and_then(|e| fast::PropRead::new(e, ctx)))
                        .collect(),
                    checks: checks.iter().map(|e| (e, fast::Compare::new(e, ctx))).collect(),
                    fold: *fold,
                    names,
                    plain,
                })
            }
            // `pushable` lets no other operator in.
            _ => unreachable!("not a pushed operator: {op}"),
        };
        Chain { steps: ops.iter().map(|op| (op, step(op), Cell::new(0))).collect(), ctx, ticks: Cell::new(0) }
    }

    /// Counts `n` units of work at once.
    fn tick_n(&self, n: u64) -> Result<()> {
        let t = self.ticks.get() + n;
        self.ticks.set(t % 256);
        if t >= 256 {
            self.ctx.control.tick_n(t - t % 256)?;
        }
        Ok(())
    }

    /// Counts a unit of work, telling the statement's counter every 256.
    fn tick(&self) -> Result<()> {
        self.tick_n(1)
    }

    /// Runs step `i` and those after it on `row` (which the steps write in place).
    pub(super) fn run(&self, i: usize, row: &mut Row, sink: &mut dyn FnMut(&Row) -> Result<()>) -> Result<()> {
        let Some((_, step, made)) = self.steps.get(i) else { return sink(row) };
        let ctx = self.ctx;
        let mut next = |row: &mut Row| {
            made.set(made.get() + 1);
            self.run(i + 1, row, sink)
        };
        match step {
            Step::Scan(node) => {
                for id in scan_ids(node, row, ctx)? {
                    row[node.slot] = Value::Node(id?);
                    next(row)?;
                }
            }
            Step::Check(check) => {
                if check.test(row, ctx)? {
                    next(row)?;
                }
            }
            Step::Filter(predicate, cmp) => {
                if self.test(predicate, cmp.as_ref(), row)? {
                    next(row)?;
                }
            }
            Step::Project(items, props, vals) => {
                // All items are evaluated before any is written (`WITH b AS a, a AS b`).
                let mut vals = vals.borrow_mut();
                vals.clear();
                for ((e, _), p) in items.iter().zip(props) {
                    vals.push(match p {
                        Some(p) => p.read(row, ctx)?,
                        None => eval(e, row, ctx)?,
                    });
                }
                for ((_, s), v) in items.iter().zip(vals.drain(..)) {
                    row[*s] = v;
                }
                drop(vals);
                next(row)?;
            }
            Step::Expand(x) => {
                let Some(names) = &x.names else { return Ok(()) };
                let Some(hop) = Hop::new(x.from, x.rel, x.to, x.bound, names, row, ctx)? else { return Ok(()) };
                // The properties the next steps read of this hop's matches are asked for
                // first (of the first 64), so that their cache misses come at once.
                let touch =
                    |p: &fast::PropRead| p.touch((x.rel.slot, x.to.slot), names.nb.iter(ctx, hop.start).take(64));
                if let Some(slot) = x.count {
                    x.partial_reads.iter().flatten().for_each(touch);
                    x.checks.iter().filter_map(|(_, c)| c.as_ref()).for_each(|c| touch(c.prop()));
                    let check = |row: &Row| self.check(&x.checks, row);
                    let check = (!x.checks.is_empty()).then_some(&check as Check);
                    let mut value = |i: usize, row: &Row| match &x.partial_reads[i] {
                        Some(p) => p.read(row, ctx),
                        None => eval(&x.partial[i].args[0], row, ctx),
                    };
                    let slots = (x.rel.slot, x.to.slot);
                    let read = match x.partial {
                        [] => None,
                        p => partial::partial_count_read(
                            &hop,
                            names,
                            slots,
                            x.distinct_from,
                            p,
                            &x.partial_reads,
                            check,
                            row,
                            ctx,
                        ),
                    };
                    let n = match read {
                        Some(n) => n?,
                        None => {
                            partial_count(&hop, names, slots, x.distinct_from, x.partial, row, ctx, &mut value, check)?
                        }
                    };
                    self.tick_n(n as u64)?;
                    if n > 0 {
                        row[slot] = Value::Int(n as i64);
                        next(row)?;
                    }
                    return Ok(());
                }
                // When the next step expands from the node this one reaches, the runs of the
                // nodes reached (the first 64) are asked for first, so that their memory comes
                // at once rather than one cache miss after another; then, while the matches are
                // taken, where the run of the one 64 ahead lies, the run of the one 32 ahead (its
                // place came meanwhile), and the values the next step reads of the one 16 ahead
                // (its run came meanwhile): prefetches, which nothing waits for.
                let mut ahead = None;
                if let Some((_, Step::Expand(y), made_y)) = self.steps.get(i + 1) {
                    if let (true, Some(next)) = (y.from == x.to.slot, &y.names) {
                        names.nb.iter(ctx, hop.start).take(64).for_each(|(_, other)| next.nb.touch(other));
                        if names.nb.degree(hop.start).is_some_and(|d| d > 64) {
                            ahead = Some((y, next));
                        }
                        if let (true, Some(slot)) = (x.fold, y.count) {
                            // Folded: the next hop is counted for each match here, and the row
                            // goes on once, with the sum.
                            let (matched, total) = self.fold(x, y, (names, next), &hop, row)?;
                            made.set(made.get() + matched);
                            if total > 0 {
                                made_y.set(made_y.get() + 1);
                                row[slot] = Value::Int(total as i64);
                                self.run(i + 2, row, sink)?;
                            }
                            return Ok(());
                        }
                    }
                }
                if let Some((_, Step::Filter(_, Some(cmp)), _)) = self.steps.get(i + 1) {
                    touch(cmp.prop());
                }
                let mut ahead = ahead.map(|(y, then)| {
                    let reads: Vec<&fast::PropRead> = y
                        .partial_reads
                        .iter()
                        .flatten()
                        .chain(y.checks.iter().filter_map(|(_, c)| c.as_ref().map(fast::Compare::prop)))
                        .collect();
                    let at = |n: usize| names.nb.iter(ctx, hop.start).skip(n);
                    (y, then, reads, [at(64), at(32), at(16)])
                });
                for (r, other) in names.nb.iter(ctx, hop.start) {
                    if let Some((y, then, reads, [offsets, runs, cells])) = &mut ahead {
                        if let Some((_, o)) = offsets.next() {
                            then.nb.prefetch(o);
                        }
                        if let Some((_, o)) = runs.next() {
                            then.nb.touch(o);
                        }
                        if let Some((_, o)) = cells.next().filter(|_| !reads.is_empty()) {
                            reads.iter().for_each(|p| p.touch((y.rel.slot, y.to.slot), then.nb.iter(ctx, o).take(16)));
                        }
                    }
                    if hop.matches(ctx, row, x.distinct_from, r, other) {
                        row[x.rel.slot] = Value::Rel(r);
                        row[x.to.slot] = Value::Node(other);
                        next(row)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether a filter keeps the row: its predicate read through a property reader where it
    /// is a comparison of one (`cmp`).
    fn test(&self, predicate: &Expr, cmp: Option<&fast::Compare>, row: &Row) -> Result<bool> {
        self.tick()?;
        let v = match cmp {
            Some(c) => c.test(row, self.ctx)?,
            None => eval(predicate, row, self.ctx)?,
        };
        super::holds(predicate, v)
    }

    /// Whether a counting hop's match, bound in `row`, passes its checks, as a filter of each
    /// would say.
    fn check(&self, checks: &[(&Expr, Option<fast::Compare>)], row: &Row) -> Result<bool> {
        for (predicate, cmp) in checks {
            if !self.test(predicate, cmp.as_ref(), row)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// A folding hop `x` from `hop`'s start: its matches, and the counts of the next hop `y`
    /// from each of them, summed (see `Op::Expand`'s `fold`).
    fn fold(
        &self,
        x: &ExpandStep,
        y: &ExpandStep,
        (names, next): (&Names, &Names),
        hop: &Hop,
        row: &mut Row,
    ) -> Result<(u64, usize)> {
        let ctx = self.ctx;
        let (mut matched, mut total) = (0u64, 0usize);
        // Both hops plain, the second kept apart only from the first's relationship: a match
        // counts its run's length, less one if the run holds the relationship just taken;
        // nothing of the row is read or written.
        if x.plain && x.distinct_from.is_empty() && y.plain && y.distinct_from == [x.rel.slot] {
            let degrees = names.nb.iter(ctx, hop.start).try_for_each(|(r, other)| {
                let d = next.nb.degree(other)?;
                matched += 1;
                total += d - usize::from(d > 0 && next.nb.lists_taken(&names.nb, hop.start, other, r));
                Some(())
            });
            if degrees.is_some() {
                self.tick_n(matched)?;
                return Ok((matched, total));
            }
            (matched, total) = (0, 0);
        }
        for (r, other) in names.nb.iter(ctx, hop.start) {
            if hop.matches(ctx, row, x.distinct_from, r, other) {
                self.tick()?;
                row[x.rel.slot] = Value::Rel(r);
                row[x.to.slot] = Value::Node(other);
                matched += 1;
                if let Some(h) = Hop::new(y.from, y.rel, y.to, y.bound, next, row, ctx)? {
                    total += h.count(ctx, &next.nb, row, y.distinct_from);
                }
            }
        }
        Ok((matched, total))
    }

    /// Counts each step's rows for a `PROFILE`, and the whole run's time, which the profile
    /// shows on the first (the others' own time is what it adds to the one before).
    pub(super) fn record(&self, time: Duration) {
        if let Some(p) = &self.ctx.control.profile {
            for (op, _, made) in &self.steps {
                p.record(op, made.get() as usize, time);
            }
        }
    }
}
