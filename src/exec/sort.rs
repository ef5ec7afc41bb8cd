//! `ORDER BY`: a stable sort of the rows by their keys, or with a `LIMIT` after it only the
//! first SKIP + LIMIT rows, kept in a buffer that never holds more than twice that many.

use std::cmp::Ordering;

use super::eval::eval;
use super::rows::rows_or_error;
use super::{Ctx, Keep, Row, RowIter};
use crate::error::{Detail, Error, Result};
use crate::plan::Expr;
use crate::value::Value;

/// A row with its sort keys and its position in the input (which breaks ties, so equal rows
/// keep their order).
type Entry = (Vec<Value>, usize, Row);

/// The rows in order of `keys` (`true`: descending), only the first `top` if given; takes
/// its rows one at a time.
pub(crate) struct Sorter<'a> {
    keys: &'a [(Expr, bool)],
    top: Option<usize>,
    ctx: Ctx<'a>,
    /// With a limit the buffer is cut back to the best `top` rows whenever it holds twice as
    /// many (at least 1,024); after a cut a row that sorts after the last one kept is dropped
    /// at once (a later row loses a tie).
    cap: Option<usize>,
    rows: Vec<Entry>,
    cutoff: Option<Vec<Value>>,
    /// No key can fail: once there is a cutoff, a row's keys are read one at a time and the
    /// row is dropped at the first that puts it behind the cutoff.
    lazy: bool,
    held: u64,
    n: usize,
    scratch: Vec<Value>,
}

/// Runs a sort over the rows `feed` hands the sorter.
pub(crate) fn run<'a>(
    keys: &'a [(Expr, bool)],
    top: &'a Option<(Option<Expr>, Expr)>,
    lazy: bool,
    ctx: Ctx<'a>,
    feed: impl FnOnce(&mut Sorter<'a>) -> Result<()>,
) -> RowIter<'a> {
    let mut s = Sorter::new(keys, sort_top(top, ctx), lazy, ctx);
    rows_or_error(match feed(&mut s) {
        Ok(()) => s.finish(),
        Err(e) => {
            s.abandon();
            Err(e)
        }
    })
}

/// Hands every row of `input` to `add` (a grouping's or a sorter's).
pub(crate) fn feed_all(input: RowIter, mut add: impl FnMut(Keep) -> Result<()>) -> Result<()> {
    for r in input {
        add(Keep::Owned(r?))?;
    }
    Ok(())
}

impl<'a> Sorter<'a> {
    pub(crate) fn new(keys: &'a [(Expr, bool)], top: Option<usize>, lazy: bool, ctx: Ctx<'a>) -> Sorter<'a> {
        let cap = top.map(|k| k.saturating_mul(2).max(1024));
        Sorter { keys, top, ctx, cap, rows: Vec::new(), cutoff: None, lazy, held: 0, n: 0, scratch: Vec::new() }
    }

    pub(crate) fn add(&mut self, row: Keep) -> Result<()> {
        let n = self.n;
        self.n += 1;
        let r = row.row();
        // The keys go to a buffer first: most rows of a top-k sort are dropped at once.
        self.scratch.clear();
        match &self.cutoff {
            Some(c) if self.lazy => {
                let mut o = Ordering::Equal;
                for (i, (e, desc)) in self.keys.iter().enumerate() {
                    let v = eval(e, r, self.ctx)?;
                    if o == Ordering::Equal {
                        o = directed(v.order(&c[i]), *desc);
                        if o == Ordering::Greater {
                            return Ok(());
                        }
                    }
                    self.scratch.push(v);
                }
                // A row equal to the cutoff loses the tie: it came later.
                if o != Ordering::Less {
                    return Ok(());
                }
            }
            _ => {
                // Every key is read, so that one that fails does (`LIMIT 0` too).
                for (e, _) in self.keys {
                    self.scratch.push(eval(e, r, self.ctx)?);
                }
                if self.top == Some(0)
                    || self.cutoff.as_ref().is_some_and(|c| by_keys(self.keys, &self.scratch, c) != Ordering::Less)
                {
                    return Ok(());
                }
            }
        }
        let k = self.scratch.clone();
        let size = super::row_size(&k) + super::row_size(r);
        self.ctx.control.charge(size)?;
        self.held += size;
        self.rows.push((k, n, row.into_row()));
        if let (Some(k), Some(cap)) = (self.top, self.cap) {
            if self.rows.len() >= cap {
                let keys = self.keys;
                self.rows.select_nth_unstable_by(k - 1, |a, b| cmp(keys, a, b));
                self.rows.truncate(k);
                self.cutoff = Some(self.rows[k - 1].0.clone());
                let kept: u64 = self.rows.iter().map(|(k, _, r)| super::row_size(k) + super::row_size(r)).sum();
                self.ctx.control.release(self.held.saturating_sub(kept));
                self.held = kept;
            }
        }
        Ok(())
    }

    /// Lets go of the rows (the statement failed).
    pub(crate) fn abandon(&mut self) {
        self.ctx.control.release(self.held);
        self.held = 0;
    }

    /// The rows in order.
    pub(crate) fn finish(mut self) -> Result<Vec<Row>> {
        // Sorted rows flow on one at a time; whoever keeps them counts them again.
        self.abandon();
        let keys = self.keys;
        let mut rows = self.rows;
        match self.top {
            Some(k) if k < rows.len() => {
                rows.select_nth_unstable_by(k.max(1) - 1, |a, b| cmp(keys, a, b));
                rows.truncate(k);
                rows.sort_unstable_by(|a, b| cmp(keys, a, b));
            }
            _ => rows.sort_unstable_by(|a, b| cmp(keys, a, b)),
        }
        Ok(rows.into_iter().map(|(_, _, r)| r).collect())
    }
}

fn directed(o: Ordering, desc: bool) -> Ordering {
    if desc {
        o.reverse()
    } else {
        o
    }
}

fn by_keys(keys: &[(Expr, bool)], a: &[Value], b: &[Value]) -> Ordering {
    for (i, (_, desc)) in keys.iter().enumerate() {
        let o = directed(a[i].order(&b[i]), *desc);
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

fn cmp(keys: &[(Expr, bool)], a: &Entry, b: &Entry) -> Ordering {
    by_keys(keys, &a.0, &b.0).then(a.1.cmp(&b.1))
}

/// How many rows a sort must give at most (SKIP + LIMIT), if a LIMIT follows it.
pub(crate) fn sort_top(top: &Option<(Option<crate::plan::Expr>, crate::plan::Expr)>, ctx: Ctx) -> Option<usize> {
    let (skip, limit) = top.as_ref()?;
    let skip = skip.as_ref().map_or(Ok(0), |e| count_value(e, ctx, "SKIP"));
    match (skip, count_value(limit, ctx, "LIMIT")) {
        (Ok(s), Ok(l)) => Some(s.saturating_add(l)),
        // The Skip and Limit operators report the error.
        _ => None,
    }
}

pub(crate) fn count_value(e: &crate::plan::Expr, ctx: Ctx, what: &str) -> Result<usize> {
    let empty = Vec::new();
    match eval(e, &empty, ctx)? {
        Value::Int(i) if i >= 0 => Ok(i as usize),
        Value::Int(_) => Err(Error::new(
            crate::error::Phase::Runtime,
            crate::error::Kind::SyntaxError,
            Detail::NegativeIntegerArgument,
            format!("{what} cannot be negative"),
        )),
        v => Err(Error::new(
            crate::error::Phase::Runtime,
            crate::error::Kind::SyntaxError,
            Detail::InvalidArgumentType,
            format!("{what} must be a non-negative integer, got {}", v.type_name()),
        )),
    }
}
