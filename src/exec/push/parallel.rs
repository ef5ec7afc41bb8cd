//! An aggregation over a pushed pipeline that starts with a scan, on more than one core.
//!
//! The nodes the scan finds are cut into consecutive parts. The calling thread aggregates
//! them part after part, exactly as without parts; once that has taken [`HELP_AFTER`] with
//! parts left, helper threads join, taking parts from the back while the calling thread goes
//! on from the front. Each helper's part is aggregated on its own, and those groupings merge
//! after the calling thread's, in the order of the parts, so groups, their first rows and
//! collected lists come in the order a single thread gives (and only the helpers' groups are
//! inserted twice). The first error in that order is the statement's
//! error. Sums of floats over the parts shared may differ in their last digits (the additions
//! happen in another order), as they would with another row order; an aggregation whose parts
//! do not merge exactly is done again on one thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{Chain, Ctx, Keep, Row, RowIter};
use crate::error::Result;
use crate::exec::aggregate::Grouping;
use crate::exec::scan::scan_list;
use crate::plan::{NodeSpec, Op, Slot};
use crate::value::{NodeId, Value};

/// How long one thread works before others help.
const HELP_AFTER: Duration = Duration::from_micros(500);
/// Parts the scanned nodes are cut into (at most).
const PARTS: usize = 64;

/// Aggregates into `g` the rows that `node`'s scan and then `rest` make of each input row.
pub(super) fn aggregate<'a>(
    node: &'a NodeSpec,
    rest: &'a [Op],
    input: RowIter<'a>,
    ctx: Ctx<'a>,
    g: &mut Grouping<'a>,
) -> Result<()> {
    let helpers = std::thread::available_parallelism().map_or(1, |n| n.get()).saturating_sub(1).min(7);
    for row in input {
        let row = row?;
        let ids = scan_list(node, &row, ctx)?;
        let (taken, parts) = run_parts(node, rest, &row, &ids, helpers, ctx, g)?;
        if !g.merge(parts)? {
            // What does not merge exactly is taken row by row.
            let mut r = row;
            feed(&Chain::new(rest, ctx), node.slot, &ids[taken..], &mut r, g)?;
        }
    }
    Ok(())
}

/// Runs `chain` into `g` for each of `ids`, bound to `slot` in `row`.
fn feed<'a>(chain: &Chain<'a>, slot: Slot, ids: &[NodeId], row: &mut Row, g: &mut Grouping<'a>) -> Result<()> {
    for &id in ids {
        row[slot] = Value::Node(id);
        chain.run(0, row, &mut |x| g.add(Keep::Borrowed(x)))?;
    }
    Ok(())
}

/// Aggregates the rows of the parts of `ids` into `g` on this thread alone at first, exactly
/// as without parts. Once that has taken [`HELP_AFTER`] with parts left, this thread goes on
/// from the front, still into `g`, while helper threads take parts from the back, each into a
/// grouping of its own: only the helpers' groups are merged afterwards, and they follow
/// this thread's parts in order. Returns how many ids went into `g`, and the groupings of
/// the parts after them, in order (or the first error in that order).
#[allow(clippy::too_many_arguments)]
fn run_parts<'a>(
    node: &'a NodeSpec,
    rest: &'a [Op],
    row: &Row,
    ids: &[NodeId],
    helpers: usize,
    ctx: Ctx<'a>,
    g: &mut Grouping<'a>,
) -> Result<(usize, Vec<Grouping<'a>>)> {
    let n = ids.len().clamp(1, PARTS);
    let size = ids.len().div_ceil(n).max(1);
    let part = |i: usize| &ids[(i * size).min(ids.len())..((i + 1) * size).min(ids.len())];
    let until = Instant::now() + HELP_AFTER;
    let chain = Chain::new(rest, ctx);
    let mut r = row.clone();
    let mut first = 0;
    while first < n && (helpers == 0 || first == 0 || Instant::now() < until) {
        feed(&chain, node.slot, part(first), &mut r, g)?;
        first += 1;
    }
    if first >= n {
        return Ok(((first * size).min(ids.len()), Vec::new()));
    }
    // The parts not yet taken: this thread takes the front one, a helper the back one.
    let left = Mutex::new(first..n);
    let take = |front: bool| {
        let mut left = left.lock().ok()?;
        if front {
            left.next()
        } else {
            left.next_back()
        }
    };
    // Set when this thread fails: its part comes before any helper's, so theirs are moot. A
    // helper's failure stops nobody: a part before it may still fail, and come first.
    let stop = AtomicBool::new(false);
    let done: Mutex<Vec<Option<Result<Grouping<'a>>>>> = Mutex::new((0..n).map(|_| None).collect());
    let proto = g.empty();
    let help = || {
        let chain = Chain::new(rest, ctx);
        let mut r = row.clone();
        let mut grouping = proto.empty();
        while let Some(i) = take(false).filter(|_| !stop.load(Ordering::Relaxed)) {
            let result = feed(&chain, node.slot, part(i), &mut r, &mut grouping).and_then(|()| grouping.take());
            if let Ok(mut d) = done.lock() {
                d[i] = Some(result);
            }
        }
    };
    let mut mine = first;
    let failed = std::thread::scope(|scope| {
        for _ in 0..helpers {
            scope.spawn(help);
        }
        while let Some(i) = take(true) {
            if let Err(e) = feed(&chain, node.slot, part(i), &mut r, g) {
                stop.store(true, Ordering::Relaxed);
                return Some(e);
            }
            mine = i + 1;
        }
        None
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let mut parts = Vec::with_capacity(n - mine);
    for d in done.into_inner().unwrap_or_default().into_iter().skip(mine) {
        match d {
            Some(Ok(p)) => parts.push(p),
            Some(Err(e)) => return Err(e),
            // Not taken: cannot be, as every part is taken by one thread or another.
            None => break,
        }
    }
    Ok(((mine * size).min(ids.len()), parts))
}
