//! Expression evaluation over a row, with Cypher's null propagation and type rules.

use std::cmp::Ordering;

use indexmap::IndexMap;

use super::functions::entity_props;
use super::{type_err, Ctx, Row};
use crate::ast::{BinaryOp, Quantifier};
use crate::error::{Detail, Error, Kind, Phase, Result, Span};
use crate::plan::{Expr, Key, MapProjItem, PropFilter};
use crate::store::KeyId;
use crate::value::{temporal, Value};

fn deleted(what: &str) -> Error {
    Error::runtime(Kind::EntityNotFound, Detail::DeletedEntityAccess, format!("the {what} was deleted in this query"))
}

/// `v.key`: a property of a node, relationship, map or date, the key's id taken from the
/// run's key table.
pub(crate) fn property(v: &Value, key: &Key, ctx: Ctx) -> Result<Value> {
    read_property(v, &key.name, || ctx.key(key), ctx)
}

/// `v[name]`, the key computed by the query: its id looked up by name.
fn property_named(v: &Value, name: &str, ctx: Ctx) -> Result<Value> {
    read_property(v, name, || ctx.graph.key_id(name), ctx)
}

/// The one road of a property read that no store reader answers: `id` gives the key's id in
/// the graph, `None` when no entity has it.
fn read_property(v: &Value, name: &str, id: impl FnOnce() -> Option<KeyId>, ctx: Ctx) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Node(n) => {
            if !ctx.graph.node_exists(*n) {
                return Err(deleted("node"));
            }
            id().and_then(|k| ctx.graph.node_prop(*n, k)).unwrap_or(Value::Null)
        }
        Value::Rel(r) => {
            if !ctx.graph.rel_exists(*r) {
                return Err(deleted("relationship"));
            }
            id().and_then(|k| ctx.graph.rel_prop(*r, k)).unwrap_or(Value::Null)
        }
        Value::Map(m) => m.get(name).cloned().unwrap_or(Value::Null),
        v if temporal::is_temporal(v) => temporal::field(v, name),
        other => return Err(type_err(&format!("cannot read property `{name}`"), other)),
    })
}

/// Evaluates a pattern's property constraints. `None`: they can never match (a null value, or
/// a key no entity has).
pub(crate) fn eval_props(p: &Option<PropFilter>, row: &Row, ctx: Ctx) -> Result<Option<Vec<(KeyId, Value)>>> {
    let mut out = Vec::new();
    match p {
        None => {}
        Some(PropFilter::Pairs(kv)) => {
            out.reserve(kv.len());
            // Every value is evaluated, for its errors, before a missing key says no match.
            let mut missing = false;
            for (k, e) in kv {
                let v = eval(e, row, ctx)?;
                match ctx.key(k) {
                    Some(k) if !v.is_null() => out.push((k, v)),
                    _ => missing = true,
                }
            }
            if missing {
                return Ok(None);
            }
        }
        Some(PropFilter::Map(e)) => match eval(e, row, ctx)? {
            Value::Map(m) => {
                for (k, v) in m.iter() {
                    match ctx.graph.key_id(k) {
                        Some(k) if !v.is_null() => out.push((k, v.clone())),
                        _ => return Ok(None),
                    }
                }
            }
            Value::Null => return Ok(None),
            v => return Err(type_err("expected a map of properties", &v)),
        },
    }
    Ok(Some(out))
}

fn truth(v: Value, what: &str) -> Result<Option<bool>> {
    match v {
        Value::Bool(b) => Ok(Some(b)),
        Value::Null => Ok(None),
        other => Err(type_err(&format!("{what} expects a boolean"), &other)),
    }
}

fn overflow() -> Error {
    Error::runtime(Kind::ArgumentError, Detail::IntegerOverflow, "integer overflow")
}

fn arith(op: BinaryOp, a: Value, b: Value) -> Result<Value> {
    use Value::*;
    Ok(match (op, a, b) {
        (_, Null, _) | (_, _, Null) => Null,
        (BinaryOp::Add, String(x), String(y)) => Value::from(format!("{x}{y}")),
        (BinaryOp::Add, String(x), y @ (Int(_) | Float(_) | Bool(_))) => Value::from(format!("{x}{}", scalar_text(&y))),
        (BinaryOp::Add, x @ (Int(_) | Float(_) | Bool(_)), String(y)) => Value::from(format!("{}{y}", scalar_text(&x))),
        (BinaryOp::Add, List(mut x), List(y)) => {
            x.make_mut().extend(y);
            List(x)
        }
        (BinaryOp::Add, List(mut x), y) => {
            x.make_mut().push(y);
            List(x)
        }
        (BinaryOp::Add, x, List(y)) => {
            let mut v = vec![x];
            v.extend(y);
            List(v.into())
        }
        (op, x, y) if temporal::is_temporal(&x) || temporal::is_temporal(&y) => {
            let op = match op {
                BinaryOp::Add => temporal::Arith::Add,
                BinaryOp::Sub => temporal::Arith::Sub,
                BinaryOp::Mul => temporal::Arith::Mul,
                BinaryOp::Div => temporal::Arith::Div,
                other => {
                    let msg = format!("cannot apply {other:?} to {} and {}", x.type_name(), y.type_name());
                    return Err(Error::type_error(Detail::InvalidArgumentType, msg));
                }
            };
            temporal::arith(op, &x, &y)?
        }
        (op, Int(x), Int(y)) => match op {
            BinaryOp::Add => Int(x.checked_add(y).ok_or_else(overflow)?),
            BinaryOp::Sub => Int(x.checked_sub(y).ok_or_else(overflow)?),
            BinaryOp::Mul => Int(x.checked_mul(y).ok_or_else(overflow)?),
            BinaryOp::Div => {
                if y == 0 {
                    return Err(Error::runtime(Kind::ArgumentError, Detail::DivisionByZero, "division by zero"));
                }
                Int(x.checked_div(y).ok_or_else(overflow)?)
            }
            BinaryOp::Mod => {
                if y == 0 {
                    return Err(Error::runtime(Kind::ArgumentError, Detail::DivisionByZero, "modulo by zero"));
                }
                Int(x.checked_rem(y).unwrap_or(0))
            }
            BinaryOp::Pow => Float((x as f64).powf(y as f64)),
            _ => Null,
        },
        (op, x @ (Int(_) | Float(_)), y @ (Int(_) | Float(_))) => {
            let (x, y) = (num(&x), num(&y));
            Float(match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Div => x / y,
                BinaryOp::Mod => x % y,
                BinaryOp::Pow => x.powf(y),
                _ => f64::NAN,
            })
        }
        (op, x, y) => {
            return Err(Error::type_error(
                Detail::InvalidArgumentType,
                format!("cannot apply {op:?} to {} and {}", x.type_name(), y.type_name()),
            ))
        }
    })
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Float(f) => crate::value::format_float(*f),
        Value::String(s) => s.to_string(),
        other => crate::value::to_cypher_literal(other),
    }
}

fn num(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => f64::NAN,
    }
}

fn compare(op: BinaryOp, a: &Value, b: &Value) -> Value {
    if a.is_null() || b.is_null() {
        return Value::Null;
    }
    match op {
        BinaryOp::Eq => a.cypher_eq(b).into(),
        BinaryOp::Ne => a.cypher_eq(b).map(|x| !x).into(),
        _ => {
            // NaN compares false with every number; other incomparable pairs are null.
            let nan = matches!(a, Value::Float(f) if f.is_nan()) || matches!(b, Value::Float(f) if f.is_nan());
            match a.cypher_cmp(b) {
                Some(o) => Value::Bool(match op {
                    BinaryOp::Lt => o == Ordering::Less,
                    BinaryOp::Le => o != Ordering::Greater,
                    BinaryOp::Gt => o == Ordering::Greater,
                    BinaryOp::Ge => o != Ordering::Less,
                    _ => false,
                }),
                None if nan && matches!((a, b), (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_))) => {
                    Value::Bool(false)
                }
                None => Value::Null,
            }
        }
    }
}

fn list_contains(x: &Value, list: &[Value]) -> Value {
    let mut unknown = false;
    for y in list {
        match x.cypher_eq(y) {
            Some(true) => return Value::Bool(true),
            None => unknown = true,
            Some(false) => {}
        }
    }
    if unknown {
        Value::Null
    } else {
        Value::Bool(false)
    }
}

thread_local! {
    static REGEX_CACHE: std::cell::RefCell<IndexMap<String, regex::Regex>> = std::cell::RefCell::new(IndexMap::new());
}

fn regex_match(s: &str, pattern: &str) -> Result<bool> {
    REGEX_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if !c.contains_key(pattern) {
            let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
                Error::runtime(
                    Kind::ArgumentError,
                    Detail::InvalidArgumentValue,
                    format!("invalid regular expression: {e}"),
                )
            })?;
            if c.len() > 64 {
                c.shift_remove_index(0);
            }
            c.insert(pattern.to_string(), re);
        }
        Ok(c[pattern].is_match(s))
    })
}

/// Resolves a list index (negative counts from the end).
fn list_index(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 { len as i64 + i } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

/// `a[b]`: a list's element, or a map's, node's or relationship's property.
fn index(a: &Value, b: &Value, ctx: Ctx) -> Result<Value> {
    Ok(match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::List(l), Value::Int(i)) => list_index(l.len(), *i).map_or(Value::Null, |i| l[i].clone()),
        (Value::List(_), other) => return Err(type_err("list index must be an integer", other)),
        (Value::Map(_) | Value::Node(_) | Value::Rel(_), Value::String(k)) => property_named(a, k, ctx)?,
        (Value::Map(_) | Value::Node(_) | Value::Rel(_), other) => {
            return Err(type_err("map key must be a string", other))
        }
        (other, _) => return Err(type_err("cannot index into", other)),
    })
}

/// `v[from..to]` (a bound left out is given as `None`; a null bound gives null).
fn slice(v: Value, from: Option<Value>, to: Option<Value>) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::List(l) => {
            let len = l.len() as i64;
            let bound = |b: Option<Value>, default: i64| -> Result<Option<i64>> {
                match b {
                    None => Ok(Some(default)),
                    Some(Value::Null) => Ok(None),
                    Some(Value::Int(i)) => Ok(Some(if i < 0 { (len + i).max(0) } else { i.min(len) })),
                    Some(other) => Err(type_err("slice bounds must be integers", &other)),
                }
            };
            match (bound(from, 0)?, bound(to, len)?) {
                (Some(a), Some(b)) if a < b => Value::list(l[a as usize..b as usize].to_vec()),
                (Some(_), Some(_)) => Value::list(Vec::new()),
                _ => Value::Null,
            }
        }
        other => return Err(type_err("cannot slice", &other)),
    })
}

/// `-v`.
fn negate(v: Value) -> Result<Value> {
    Ok(match v {
        Value::Int(i) => Value::Int(i.checked_neg().ok_or_else(overflow)?),
        Value::Float(f) => Value::Float(-f),
        Value::Null => Value::Null,
        v @ Value::Duration(_) => temporal::negate(&v)?,
        v => return Err(type_err("cannot negate", &v)),
    })
}

/// Evaluates an expression for a row.
pub fn eval(e: &Expr, row: &Row, ctx: Ctx) -> Result<Value> {
    Ok(match e {
        Expr::Const(v) => v.clone(),
        Expr::Param(p, span) => match ctx.params.get(p) {
            Some(v) => v.clone(),
            None => {
                return Err(Error::new(
                    Phase::Compile,
                    Kind::ParameterMissing,
                    Detail::MissingParameter,
                    format!("expected a parameter named `{p}`"),
                )
                .at(*span))
            }
        },
        Expr::Slot(s) => row.get(*s).cloned().unwrap_or(Value::Null),
        Expr::Prop(x, k, span) => property(&eval(x, row, ctx)?, k, ctx).map_err(|e| e.at(*span))?,
        Expr::List(xs) => Value::List(xs.iter().map(|x| eval(x, row, ctx)).collect::<Result<_>>()?),
        Expr::Map(kv) => {
            let mut m = IndexMap::with_capacity(kv.len());
            for (k, x) in kv {
                m.insert(k.clone(), eval(x, row, ctx)?);
            }
            Value::map(m)
        }
        Expr::Not(x, span) => truth(eval(x, row, ctx)?, "NOT").map_err(|e| e.at(*span))?.map(|b| !b).into(),
        Expr::Neg(x, span) => negate(eval(x, row, ctx)?).map_err(|e| e.at(*span))?,
        Expr::Binary(op, a, b, span) => binary(*op, a, b, row, ctx).map_err(|e| e.at(*span))?,
        Expr::IsNull(x, neg) => Value::Bool(eval(x, row, ctx)?.is_null() != *neg),
        Expr::HasLabels(x, labels, span) => match eval(x, row, ctx)? {
            Value::Null => Value::Null,
            Value::Node(id) => {
                Value::Bool(labels.iter().all(|l| ctx.label(l).is_some_and(|s| ctx.graph.has_label(id, s))))
            }
            v => return Err(type_err("label test expects a node", &v).at(*span)),
        },
        Expr::Index(a, b, span) => {
            let (a, b) = (eval(a, row, ctx)?, eval(b, row, ctx)?);
            index(&a, &b, ctx).map_err(|e| e.at(*span))?
        }
        Expr::Slice(x, from, to, span) => {
            let v = eval(x, row, ctx)?;
            let f = from.as_ref().map(|e| eval(e, row, ctx)).transpose()?;
            let t = to.as_ref().map(|e| eval(e, row, ctx)).transpose()?;
            slice(v, f, t).map_err(|e| e.at(*span))?
        }
        Expr::Func(name, args, span) => {
            let vals = args.iter().map(|a| eval(a, row, ctx)).collect::<Result<Vec<_>>>()?;
            super::functions::call(*name, vals, ctx).map_err(|e| e.at(*span))?
        }
        Expr::Case { operand, whens, else_ } => {
            let op = operand.as_ref().map(|o| eval(o, row, ctx)).transpose()?;
            for (w, t) in whens {
                let wv = eval(w, row, ctx)?;
                let hit = match &op {
                    Some(o) => o.cypher_eq(&wv) == Some(true),
                    None => matches!(wv, Value::Bool(true)),
                };
                if hit {
                    return eval(t, row, ctx);
                }
            }
            match else_ {
                Some(x) => eval(x, row, ctx)?,
                None => Value::Null,
            }
        }
        Expr::ListComp { slot, list, pred, proj } => match eval(list, row, ctx)? {
            Value::Null => Value::Null,
            Value::List(items) => {
                let mut r = row.clone();
                let mut out = Vec::new();
                // What the new list holds is counted as it grows (a comprehension of
                // comprehensions can make a list of lists far past the memory limit).
                let (mut held, mut charged) = (0u64, 0u64);
                let kept = (|| -> Result<()> {
                    for it in items {
                        ctx.control.tick()?;
                        r[*slot] = it;
                        if let Some(p) = pred {
                            if !matches!(eval(p, &r, ctx)?, Value::Bool(true)) {
                                continue;
                            }
                        }
                        let v = match proj {
                            Some(p) => eval(p, &r, ctx)?,
                            None => r[*slot].clone(),
                        };
                        held += super::value_size(&v);
                        if held - charged >= 1 << 20 {
                            ctx.control.charge(held - charged)?;
                            charged = held;
                        }
                        out.push(v);
                    }
                    Ok(())
                })();
                ctx.control.release(charged);
                kept?;
                Value::list(out)
            }
            v => return Err(type_err("list comprehension expects a list", &v)),
        },
        Expr::Quantified { q, slot, list, pred } => match eval(list, row, ctx)? {
            Value::Null => Value::Null,
            Value::List(items) => {
                let mut r = row.clone();
                let (mut t, mut n) = (0usize, 0usize);
                let total = items.len();
                for it in items {
                    r[*slot] = it;
                    match truth(eval(pred, &r, ctx)?, "quantifier predicate")? {
                        Some(true) => t += 1,
                        None => n += 1,
                        Some(false) => {}
                    }
                }
                let f = total - t - n;
                match q {
                    Quantifier::All => {
                        if f > 0 {
                            Some(false)
                        } else if n > 0 {
                            None
                        } else {
                            Some(true)
                        }
                    }
                    Quantifier::Any => {
                        if t > 0 {
                            Some(true)
                        } else if n > 0 {
                            None
                        } else {
                            Some(false)
                        }
                    }
                    Quantifier::None => {
                        if t > 0 {
                            Some(false)
                        } else if n > 0 {
                            None
                        } else {
                            Some(true)
                        }
                    }
                    Quantifier::Single => {
                        if t > 1 {
                            Some(false)
                        } else if n > 0 {
                            None
                        } else {
                            Some(t == 1)
                        }
                    }
                }
                .into()
            }
            v => return Err(type_err("quantifier expects a list", &v)),
        },
        Expr::Reduce { acc, init, slot, list, expr, appends } => {
            let start = eval(init, row, ctx)?;
            match eval(list, row, ctx)? {
                Value::Null => Value::Null,
                Value::List(items) => {
                    let mut r = row.clone();
                    r[*acc] = start;
                    // `acc + x` where x does not read the accumulator: the accumulator is taken
                    // out of the row before the add, so the add owns its list and appends in
                    // place instead of copying it at each step.
                    let append = match &**expr {
                        Expr::Binary(_, _, b, _) if *appends => Some(&**b),
                        _ => None,
                    };
                    for it in items {
                        ctx.control.tick()?;
                        r[*slot] = it;
                        r[*acc] = match append {
                            Some(b) => {
                                let y = eval(b, &r, ctx)?;
                                operate(BinaryOp::Add, std::mem::replace(&mut r[*acc], Value::Null), y, ctx)?
                            }
                            None => eval(expr, &r, ctx)?,
                        };
                        // A large accumulator makes every step costly (`acc + [i]` copies it): the
                        // clock and the memory limit are then checked at each step, not each 4096th.
                        let held = shallow_size(&r[*acc]);
                        if held >= 1 << 16 {
                            ctx.control.check()?;
                            ctx.control.fits(held)?;
                        }
                    }
                    r[*acc].clone()
                }
                v => return Err(type_err("reduce expects a list", &v)),
            }
        }
        Expr::Exists(ops) => {
            let mut it = super::run_sub(ops, row.clone(), ctx);
            match it.next() {
                None => Value::Bool(false),
                Some(Ok(_)) => Value::Bool(true),
                Some(Err(e)) => return Err(e),
            }
        }
        Expr::Sub(kind, sub) => super::exists::expression(*kind, sub, row, ctx)?,
        Expr::PatternComp(ops, proj) => {
            let mut out = Vec::new();
            for r in super::run_sub(ops, row.clone(), ctx) {
                out.push(eval(proj, &r?, ctx)?);
            }
            Value::list(out)
        }
        Expr::MapProj(base, items) => {
            let b = eval(base, row, ctx)?;
            if b.is_null() {
                return Ok(Value::Null);
            }
            let mut m = IndexMap::new();
            for it in items {
                match it {
                    MapProjItem::Prop(k) => {
                        m.insert(k.name.clone(), property(&b, k, ctx)?);
                    }
                    MapProjItem::Entry(k, x) => {
                        m.insert(k.clone(), eval(x, row, ctx)?);
                    }
                    MapProjItem::All => {
                        let props = match &b {
                            Value::Map(mm) => (**mm).clone(),
                            other => entity_props(ctx, other)
                                .ok_or_else(|| type_err("map projection expects a map or entity", other))?,
                        };
                        m.extend(props);
                    }
                }
            }
            Value::map(m)
        }
    })
}

/// Concatenation that doubles a list or string (`reduce(s = 'x', i IN range(1, 64) | s + s)`)
/// must stay within `--max-memory` rather than exhaust the machine's.
fn grows_within_limit(x: &Value, y: &Value, ctx: Ctx) -> Result<()> {
    const ITEM: u64 = std::mem::size_of::<Value>() as u64;
    let len = |v: &Value| match v {
        Value::List(l) => l.len() as u64 * ITEM,
        Value::String(s) => s.len() as u64,
        _ => ITEM,
    };
    if !matches!(x, Value::List(_) | Value::String(_)) && !matches!(y, Value::List(_) | Value::String(_)) {
        return Ok(());
    }
    ctx.control.fits(len(x).saturating_add(len(y)))
}

fn binary(op: BinaryOp, a: &Expr, b: &Expr, row: &Row, ctx: Ctx) -> Result<Value> {
    match op {
        BinaryOp::And => {
            let l = truth(eval(a, row, ctx)?, "AND")?;
            if l == Some(false) {
                return Ok(Value::Bool(false));
            }
            let r = truth(eval(b, row, ctx)?, "AND")?;
            Ok(match (l, r) {
                (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            }
            .into())
        }
        BinaryOp::Or => {
            let l = truth(eval(a, row, ctx)?, "OR")?;
            if l == Some(true) {
                return Ok(Value::Bool(true));
            }
            let r = truth(eval(b, row, ctx)?, "OR")?;
            Ok(match (l, r) {
                (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            }
            .into())
        }
        BinaryOp::Xor => {
            let l = truth(eval(a, row, ctx)?, "XOR")?;
            let r = truth(eval(b, row, ctx)?, "XOR")?;
            Ok(match (l, r) {
                (Some(x), Some(y)) => Some(x != y),
                _ => None,
            }
            .into())
        }
        _ => {
            // A long chain (`0 + 1 + 2 + ...`) nests to the left: its left side is walked in
            // a loop rather than by recursion, which would need a stack frame per operator.
            // Each step's error points at its own operator.
            let mut spine: Vec<(BinaryOp, &Expr, Span)> = Vec::new();
            let mut left = a;
            while let Expr::Binary(op2, a2, b2, span) = left {
                if matches!(op2, BinaryOp::And | BinaryOp::Or | BinaryOp::Xor) {
                    break;
                }
                spine.push((*op2, b2, *span));
                left = a2;
            }
            let mut x = eval(left, row, ctx)?;
            for (op2, b2, span) in spine.into_iter().rev() {
                let y = eval(b2, row, ctx)?;
                x = operate(op2, x, y, ctx).map_err(|e| e.at(span))?;
            }
            operate(op, x, eval(b, row, ctx)?, ctx)
        }
    }
}

/// What `STARTS WITH`, `ENDS WITH` and `CONTAINS` test of a text and a text (`None` for any
/// other operator).
pub(crate) fn text_test(op: BinaryOp) -> Option<fn(&str, &str) -> bool> {
    match op {
        BinaryOp::StartsWith => Some(|s, t| s.starts_with(t)),
        BinaryOp::EndsWith => Some(|s, t| s.ends_with(t)),
        BinaryOp::Contains => Some(|s, t| s.contains(t)),
        _ => None,
    }
}

/// A binary operator other than AND, OR and XOR on evaluated operands.
pub(crate) fn operate(op: BinaryOp, x: Value, y: Value, ctx: Ctx) -> Result<Value> {
    if op == BinaryOp::Add {
        grows_within_limit(&x, &y, ctx)?;
    }
    Ok(match op {
        BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => compare(op, &x, &y),
        BinaryOp::In => match y {
            Value::Null => Value::Null,
            Value::List(l) => {
                if x.is_null() {
                    if l.is_empty() {
                        Value::Bool(false)
                    } else {
                        Value::Null
                    }
                } else {
                    list_contains(&x, &l)
                }
            }
            other => return Err(type_err("IN expects a list", &other)),
        },
        BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains => match (&x, &y, text_test(op)) {
            (Value::String(s), Value::String(t), Some(test)) => Value::Bool(test(s, t)),
            _ => Value::Null,
        },
        BinaryOp::Regex => match (&x, &y) {
            (Value::String(s), Value::String(p)) => Value::Bool(regex_match(s, p)?),
            _ => Value::Null,
        },
        _ => arith(op, x, y)?,
    })
}

/// The bytes a value holds at its top level (a string's text, a list's or map's slots), in
/// constant time: enough to tell a large accumulator from a small one.
fn shallow_size(v: &Value) -> u64 {
    const SLOT: u64 = std::mem::size_of::<Value>() as u64;
    match v {
        Value::String(s) => s.len() as u64,
        Value::List(xs) => xs.len() as u64 * SLOT,
        Value::Map(m) => m.len() as u64 * (SLOT + 40),
        _ => 0,
    }
}
