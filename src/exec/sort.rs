//! `ORDER BY`: a stable sort of the rows by their keys, or with a `LIMIT` after it only the
//! first SKIP + LIMIT rows, kept in a buffer that never holds more than twice that many.

use std::cmp::Ordering;

use super::eval::eval;
use super::{Ctx, Row, RowIter};
use crate::error::Result;
use crate::plan::Expr;
use crate::value::Value;

/// A row with its sort keys and its position in the input (which breaks ties, so equal rows
/// keep their order).
type Entry = (Vec<Value>, usize, Row);

/// The rows of `input` in order of `keys` (`true`: descending); only the first `top` if given.
pub(crate) fn sort(keys: &[(Expr, bool)], top: Option<usize>, input: RowIter, ctx: Ctx) -> Result<Vec<Row>> {
    let by_keys = |a: &[Value], b: &[Value]| {
        for (i, (_, desc)) in keys.iter().enumerate() {
            let o = a[i].order(&b[i]);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    };
    let cmp = |a: &Entry, b: &Entry| by_keys(&a.0, &b.0).then(a.1.cmp(&b.1));
    // With a limit the buffer is cut back to the best `top` rows whenever it holds twice as
    // many (at least 1,024); after a cut a row that sorts after the last one kept is dropped
    // at once (a later row loses a tie).
    let cap = top.map(|k| k.saturating_mul(2).max(1024));
    let mut rows: Vec<Entry> = Vec::new();
    let mut cutoff: Option<Vec<Value>> = None;
    let mut held = 0;
    let mut result = Ok(());
    for (n, r) in input.enumerate() {
        let step = r.and_then(|row| {
            let k = keys.iter().map(|(e, _)| eval(e, &row, ctx)).collect::<Result<Vec<_>>>()?;
            if top == Some(0) || cutoff.as_ref().is_some_and(|c| by_keys(&k, c) != Ordering::Less) {
                return Ok(());
            }
            let size = super::row_size(&k) + super::row_size(&row);
            ctx.control.charge(size)?;
            held += size;
            rows.push((k, n, row));
            if let (Some(k), Some(cap)) = (top, cap) {
                if rows.len() >= cap {
                    rows.select_nth_unstable_by(k - 1, cmp);
                    rows.truncate(k);
                    cutoff = Some(rows[k - 1].0.clone());
                    let kept: u64 = rows.iter().map(|(k, _, r)| super::row_size(k) + super::row_size(r)).sum();
                    ctx.control.release(held - kept);
                    held = kept;
                }
            }
            Ok(())
        });
        if let Err(e) = step {
            result = Err(e);
            break;
        }
    }
    // Sorted rows flow on one at a time; whoever keeps them counts them again.
    ctx.control.release(held);
    result?;
    match top {
        Some(k) if k < rows.len() => {
            rows.select_nth_unstable_by(k.max(1) - 1, cmp);
            rows.truncate(k);
            rows.sort_unstable_by(cmp);
        }
        _ => rows.sort_unstable_by(cmp),
    }
    Ok(rows.into_iter().map(|(_, _, r)| r).collect())
}
