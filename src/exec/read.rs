//! Read operators, pulled: each turns a stream of rows into another, lazily. Scans,
//! expansions and shortest paths are built from the access paths below them (`scan`,
//! `expand`, `shortest`); an aggregation or sort pulled here runs as in `aggregate` and `sort`.

use std::collections::HashSet;

use super::eval::eval;
use super::expand::{expand, Names};
use super::pattern::NodeCheck;
use super::rows::{flat_map_ok, none, one};
use super::scan::scan;
use super::sort::{count_value, feed_all};
use super::{Ctx, Row, RowIter};
use crate::error::{Detail, Error, Result};
use crate::plan::{Expr, Op};
use crate::store::TypeId;
use crate::value::{Path, RelId, Value};

pub(crate) fn apply<'a>(op: &'a Op, input: RowIter<'a>, ctx: Ctx<'a>) -> RowIter<'a> {
    match op {
        Op::NodeScan { node } => flat_map_ok(input, move |row| scan(node, row, ctx)),
        Op::NodeCheck { node } => {
            let check = NodeCheck::new(node, ctx);
            Box::new(input.filter_map(move |r| {
                match r.and_then(|row| {
                    let keep = check.test(&row, ctx)?;
                    Ok(keep.then_some(row))
                }) {
                    Ok(Some(row)) => Some(Ok(row)),
                    Ok(None) => None,
                    Err(e) => Some(Err(e)),
                }
            }))
        }
        // A fold is the pushed pipeline's shortcut; row by row, the counts come out the same.
        Op::Expand { from, rel, to, to_bound, rel_bound, distinct_from, count, partial, checks, .. } => {
            let names = Names::new(ctx, rel, to);
            flat_map_ok(input, move |row| match &names {
                Some(names) => expand(
                    *from,
                    rel,
                    to,
                    (*to_bound, *rel_bound, *count),
                    (partial, checks),
                    distinct_from,
                    names,
                    row,
                    ctx,
                ),
                None => none(),
            })
        }
        Op::ShortestPath { from, to, rel, path, all } => {
            flat_map_ok(input, move |row| super::shortest::shortest(*from, *to, rel, *path, *all, row, ctx))
        }
        Op::BuildPath { slot, start, steps } => Box::new(input.map(move |r| {
            let mut row = r?;
            let Value::Node(first) = row[*start] else {
                row[*slot] = Value::Null;
                return Ok(row);
            };
            let mut p = Path { nodes: vec![first], rels: Vec::new() };
            for &(rs, _ns) in steps {
                let rels: Vec<RelId> = match &row[rs] {
                    Value::Rel(r) => vec![*r],
                    Value::List(l) => {
                        l.iter().filter_map(|v| if let Value::Rel(r) = v { Some(*r) } else { None }).collect()
                    }
                    _ => {
                        row[*slot] = Value::Null;
                        return Ok(row);
                    }
                };
                for r in rels {
                    let cur = *p.nodes.last().unwrap_or(&first);
                    let (a, b) = ctx.graph.rel_ends(r).unwrap_or((cur, cur));
                    p.nodes.push(if a == cur { b } else { a });
                    p.rels.push(r);
                }
            }
            row[*slot] = Value::Path(Box::new(p));
            Ok(row)
        })),
        Op::Filter { predicate } => Box::new(input.filter_map(move |r| match r {
            Err(e) => Some(Err(e)),
            Ok(row) => match ctx.control.tick().and_then(|_| super::holds(predicate, eval(predicate, &row, ctx)?)) {
                Ok(true) => Some(Ok(row)),
                Ok(false) => None,
                Err(e) => Some(Err(e)),
            },
        })),
        Op::Optional { ops, nulls } => flat_map_ok(input, move |row| {
            let mut sub = super::run_sub(ops, row.clone(), ctx).peekable();
            if sub.peek().is_some() {
                Box::new(sub)
            } else {
                let mut row = row;
                for &s in nulls {
                    row[s] = Value::Null;
                }
                one(Ok(row))
            }
        }),
        Op::Unwind { expr, slot } => {
            let slot = *slot;
            flat_map_ok(input, move |row| match unwind(expr, &row, ctx) {
                Err(e) => one(Err(e)),
                Ok(Unwound::One(v)) => {
                    let mut r = row;
                    r[slot] = v;
                    one(Ok(r))
                }
                // Each row out shares the row's other values.
                Ok(Unwound::Many(values)) => Box::new(values.map(move |v| {
                    ctx.control.tick()?;
                    let mut r = row.clone();
                    r[slot] = v;
                    Ok(r)
                })),
            })
        }
        Op::Project { items } => Box::new(input.map(move |r| {
            let mut row = r?;
            let vals = items.iter().map(|(e, _)| eval(e, &row, ctx)).collect::<Result<Vec<_>>>()?;
            for ((_, s), v) in items.iter().zip(vals) {
                row[*s] = v;
            }
            Ok(row)
        })),
        Op::Distinct { slots } => {
            let mut seen: HashSet<Vec<Value>, ahash::RandomState> = HashSet::default();
            Box::new(input.filter_map(move |r| match r {
                Err(e) => Some(Err(e)),
                Ok(row) => {
                    let key: Vec<Value> = slots.iter().map(|&s| row[s].clone()).collect();
                    let size = super::row_size(&key) + super::set_entry(24);
                    if !seen.insert(key) {
                        return None;
                    }
                    Some(ctx.control.charge(size).map(|_| row))
                }
            }))
        }
        Op::Aggregate { keys, aggs } => super::aggregate::run(keys, aggs, ctx, |g| feed_all(input, |r| g.add(r))),
        Op::Sort { keys, top, lazy } => super::sort::run(keys, top, *lazy, ctx, |s| feed_all(input, |r| s.add(r))),
        Op::Skip { count } => match count_value(count, ctx, "SKIP") {
            Err(e) => one(Err(e)),
            Ok(n) => Box::new(input.skip(n)),
        },
        Op::Limit { count } => match count_value(count, ctx, "LIMIT") {
            Err(e) => one(Err(e)),
            Ok(n) => Box::new(input.take(n)),
        },
        Op::Call { name, args, yields } => {
            flat_map_ok(input, move |row| match super::procedures::call(name, args, yields, &row, ctx) {
                Ok(rows) => Box::new(rows.into_iter().map(Ok)),
                Err(e) => one(Err(e)),
            })
        }
        Op::ShowIndexes { slots, fulltext } => flat_map_ok(input, move |row| {
            let rows: Vec<Result<Row>> = super::procedures::show_indexes(ctx, *fulltext)
                .into_iter()
                .map(|vals| {
                    let mut r = row.clone();
                    for (s, v) in slots.iter().zip(vals) {
                        r[*s] = v;
                    }
                    Ok(r)
                })
                .collect();
            Box::new(rows.into_iter())
        }),
        Op::CountStore { what, key, counts } => {
            flat_map_ok(input, move |row| match count_store(what, *key, counts, row, ctx) {
                Ok(rows) => Box::new(rows.into_iter().map(Ok)),
                Err(e) => one(Err(e)),
            })
        }
        Op::SubQuery { sub, columns, optional, .. } => super::subquery::pull(sub, columns, *optional, input, ctx),
        Op::LoadCsv { from, slot, headers, terminator, span } => flat_map_ok(input, move |row| {
            Box::new(
                super::load_csv::rows(from, *slot, *headers, *terminator, row, ctx).map(|r| r.map_err(|e| e.at(*span))),
            )
        }),
        Op::Show { what, slots } => flat_map_ok(input, move |row| {
            let rows = super::procedures::show(*what, ctx).into_iter().map(move |vals| {
                let mut r = row.clone();
                for (s, v) in slots.iter().zip(vals) {
                    r[*s] = v;
                }
                Ok(r)
            });
            Box::new(rows.collect::<Vec<_>>().into_iter())
        }),
        Op::Foreach { .. }
        | Op::CreateConstraint(_)
        | Op::DropConstraint { .. }
        | Op::Create { .. }
        | Op::Merge { .. }
        | Op::Set { .. }
        | Op::Delete { .. }
        | Op::CreateIndex { .. }
        | Op::DropIndex { .. } => one(Err(Error::runtime(
            crate::error::Kind::SemanticError,
            Detail::None,
            "write operator in a read pipeline",
        ))),
    }
}

/// The rows of a [`Op::CountStore`]: one, or with a key one per type that has relationships.
fn count_store(
    what: &crate::plan::Counted,
    key: Option<usize>,
    counts: &[usize],
    row: Row,
    ctx: Ctx,
) -> Result<Vec<Row>> {
    use crate::plan::Counted;
    let g = ctx.graph;
    let with = |key_value: Option<Value>, n: usize| {
        let mut r = row.clone();
        if let (Some(k), Some(v)) = (key, key_value) {
            r[k] = v;
        }
        for &s in counts {
            r[s] = Value::Int(n as i64);
        }
        r
    };
    let types: Vec<TypeId> = match what {
        Counted::Nodes(None) => return Ok(vec![with(None, g.node_count())]),
        Counted::Nodes(Some(l)) => return Ok(vec![with(None, g.label_id(l).map_or(0, |l| g.label_count(l)))]),
        Counted::Paths(p) => return Ok(vec![with(None, super::expand::count_two_hops(ctx, p)?)]),
        Counted::Rels(ts) if ts.is_empty() => g.types().iter().map(|(t, _)| t).collect(),
        Counted::Rels(ts) => {
            let mut syms: Vec<TypeId> = ts.iter().filter_map(|t| g.type_id(t)).collect();
            syms.sort_unstable();
            syms.dedup();
            syms
        }
    };
    Ok(match key {
        None => vec![with(None, types.iter().map(|&t| g.rel_count_of(t)).sum())],
        Some(_) => types
            .into_iter()
            .filter(|&t| g.rel_count_of(t) > 0)
            .map(|t| with(Some(Value::str(g.types().name(t))), g.rel_count_of(t)))
            .collect(),
    })
}

/// What `UNWIND` makes of one row's value.
pub(super) enum Unwound<'a> {
    /// A value that is not a list: one row.
    One(Value),
    /// The items of a list (none for null), one at a time.
    Many(Box<dyn Iterator<Item = Value> + 'a>),
}

/// The values `UNWIND expr` hands out for `row`. `range(...)` hands out its values one at a
/// time, never the list; a list's items are read where they are (the row may hold the same
/// list).
pub(super) fn unwind<'a>(expr: &'a Expr, row: &Row, ctx: Ctx<'a>) -> Result<Unwound<'a>> {
    if let Expr::Func(name, args, span) = expr {
        if *name == crate::catalog::functions::F::RANGE && (2..=3).contains(&args.len()) {
            let a = args.iter().map(|e| eval(e, row, ctx)).collect::<Result<Vec<_>>>()?;
            return match super::functions::range_of(&a) {
                Err(e) => Err(e.at(*span)),
                Ok(None) => Ok(Unwound::Many(Box::new(std::iter::empty()))),
                Ok(Some((start, step, count))) => {
                    Ok(Unwound::Many(Box::new(super::functions::range_values(start, step, count))))
                }
            };
        }
    }
    Ok(match eval(expr, row, ctx)? {
        Value::Null => Unwound::Many(Box::new(std::iter::empty())),
        Value::List(items) => Unwound::Many(Box::new((0..items.len()).map(move |i| items[i].clone()))),
        v => Unwound::One(v),
    })
}
