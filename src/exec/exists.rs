//! The subquery expressions `EXISTS { ... }`, `COUNT { ... }` and `COLLECT { ... }`, and what a
//! read-only subquery returns for one outer row (which the pulled `CALL { ... }` of
//! `subquery.rs` reads too). Expressions call this file; it runs sub-plans, never an
//! expression itself.

use std::collections::HashSet;

use super::{run_sub, Ctx, Row, RowIter};
use crate::ast::SubqueryKind;
use crate::error::Result;
use crate::plan::SubPlan;
use crate::value::Value;

/// The values a read-only subquery returns for one outer row, one list per row it makes
/// (empty for a part without `RETURN`), a plain `UNION`'s repeats dropped.
pub(super) fn returns<'a>(sub: &'a SubPlan, row: &Row, ctx: Ctx<'a>) -> RowIter<'a> {
    let row = row.clone();
    let all = sub.parts.iter().flat_map(move |p| {
        run_sub(&p.ops, row.clone(), ctx).map(move |r| r.map(|r| p.output.iter().map(|&s| r[s].clone()).collect()))
    });
    if !sub.distinct() {
        return Box::new(all);
    }
    let mut seen: HashSet<Row, ahash::RandomState> = HashSet::default();
    Box::new(all.filter(move |r| match r {
        Ok(v) => seen.insert(v.clone()),
        Err(_) => true,
    }))
}

/// `EXISTS { ... }`, `COUNT { ... }`, `COLLECT { ... }` for one row.
pub(crate) fn expression(kind: SubqueryKind, sub: &SubPlan, row: &Row, ctx: Ctx) -> Result<Value> {
    let mut rows = returns(sub, row, ctx);
    Ok(match kind {
        SubqueryKind::Exists => match rows.next() {
            None => Value::Bool(false),
            Some(r) => r.map(|_| Value::Bool(true))?,
        },
        SubqueryKind::Count => {
            let mut n = 0i64;
            for r in rows {
                r?;
                ctx.control.tick()?;
                n += 1;
            }
            Value::Int(n)
        }
        SubqueryKind::Collect => {
            let mut out = Vec::new();
            for r in rows {
                let mut r = r?;
                ctx.control.tick()?;
                let v = r.pop().unwrap_or(Value::Null);
                ctx.control.charge(super::value_size(&v))?;
                out.push(v);
            }
            Value::list(out)
        }
    })
}
