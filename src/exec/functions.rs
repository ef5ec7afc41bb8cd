//! Scalar functions.

use std::sync::LazyLock;

use indexmap::IndexMap;

use super::convert::convert;
use super::{arg_err, type_err, Ctx};
use crate::catalog::functions::{FuncId, F, FUNCTIONS};
use crate::error::{Detail, Error, Kind, Result};
use crate::value::{NodeId, Path, RelId, Value};

fn int_arg(v: &Value, what: &str) -> Result<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i)),
        other => Err(type_err(&format!("{what} expects an integer"), other)),
    }
}

/// `range(start, end[, step])`'s first value, step and length; `None` when an argument is null.
pub(crate) fn range_of(a: &[Value]) -> Result<Option<(i64, i64, u128)>> {
    let start = int_arg(&a[0], "range()")?;
    let end = int_arg(&a[1], "range()")?;
    let step = match a.get(2) {
        Some(v) => int_arg(v, "range()")?,
        None => Some(1),
    };
    let (Some(s), Some(e), Some(st)) = (start, end, step) else { return Ok(None) };
    if st == 0 {
        return Err(arg_err("range() step cannot be zero"));
    }
    let count =
        if (st > 0 && s > e) || (st < 0 && s < e) { 0 } else { ((e as i128 - s as i128) / st as i128 + 1) as u128 };
    Ok(Some((s, st, count)))
}

/// The values of a range, made one at a time (`UNWIND range(...)` never builds the list).
pub(crate) fn range_values(start: i64, step: i64, count: u128) -> impl Iterator<Item = Value> {
    (0..count).map(move |i| Value::Int((start as i128 + i as i128 * step as i128) as i64))
}

fn float_arg(v: &Value, what: &str) -> Result<Option<f64>> {
    match v {
        Value::Null => Ok(None),
        Value::Int(i) => Ok(Some(*i as f64)),
        Value::Float(f) => Ok(Some(*f)),
        other => Err(type_err(&format!("{what} expects a number"), other)),
    }
}

fn str_arg<'a>(v: &'a Value, what: &str) -> Result<Option<&'a str>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        other => Err(type_err(&format!("{what} expects a string"), other)),
    }
}

fn path_nodes_rels(v: &Value) -> Option<&Path> {
    if let Value::Path(p) = v {
        Some(p)
    } else {
        None
    }
}

/// The properties of a node or relationship as a map.
pub(crate) fn entity_props(ctx: Ctx, v: &Value) -> Option<IndexMap<String, Value>> {
    let props: Vec<(crate::store::KeyId, Value)> = match v {
        Value::Node(id) => ctx.graph.node_props(*id),
        Value::Rel(id) => ctx.graph.rel_props(*id),
        _ => return None,
    };
    Some(props.iter().map(|(k, v)| (ctx.graph.keys().name(*k).to_string(), v.clone())).collect())
}

/// Whether `f` is one of the temporal functions (`exec/temporal.rs`), decided once per
/// function rather than by its name on every call.
fn is_temporal(f: FuncId) -> bool {
    static TEMPORAL: LazyLock<Vec<bool>> =
        LazyLock::new(|| FUNCTIONS.iter().map(|s| super::temporal::is_function(s.name)).collect());
    TEMPORAL[f.index()]
}

/// Calls a scalar function on evaluated arguments.
pub(crate) fn call(f: FuncId, mut a: Vec<Value>, ctx: Ctx) -> Result<Value> {
    let n = f.name();
    // Most functions return null for a null first argument.
    let null_in = a.first().is_some_and(Value::is_null);
    let first = a.first().cloned().unwrap_or(Value::Null);
    // Neo4j 5's functions (exec/scalar.rs) are tried after the ones here; these must see a
    // null argument.
    if matches!(f, F::VALUETYPE | F::INTERNAL_IS_TYPED | F::INTERNAL_PROPERTY_MAP) {
        return Ok(super::scalar::call(f, &a)?.unwrap_or(Value::Null));
    }
    Ok(match f {
        F::COALESCE => a.into_iter().find(|v| !v.is_null()).unwrap_or(Value::Null),
        F::RAND => Value::Float(pseudo_random()),
        F::PI => Value::Float(std::f64::consts::PI),
        F::E => Value::Float(std::f64::consts::E),
        _ if is_temporal(f) => super::temporal::call(f, &a)?,
        _ if null_in && f != F::TOSTRING && f != F::SIZE => Value::Null,
        F::ID => match first {
            Value::Node(NodeId(id)) | Value::Rel(RelId(id)) => Value::Int(id as i64),
            v => return Err(type_err("id() expects a node or relationship", &v)),
        },
        F::ELEMENTID => match first {
            Value::Node(id) => Value::from(format!("n{id}")),
            Value::Rel(id) => Value::from(format!("r{id}")),
            v => return Err(type_err("elementId() expects a node or relationship", &v)),
        },
        F::LABELS => match first {
            Value::Node(id) => {
                if !ctx.graph.node_exists(id) {
                    return Err(Error::runtime(
                        Kind::EntityNotFound,
                        Detail::DeletedEntityAccess,
                        "the node was deleted",
                    ));
                }
                Value::List(
                    ctx.graph.node_labels(id).iter().map(|l| Value::String(ctx.graph.labels().shared(*l))).collect(),
                )
            }
            v => return Err(type_err("labels() expects a node", &v)),
        },
        F::TYPE => match first {
            Value::Rel(id) => {
                ctx.graph.rel_type_even_deleted(id).map_or(Value::Null, |t| Value::String(ctx.graph.types().shared(t)))
            }
            v => return Err(type_err("type() expects a relationship", &v)),
        },
        F::PROPERTIES => match first {
            Value::Map(m) => Value::Map(m),
            v @ (Value::Node(_) | Value::Rel(_)) => Value::map(entity_props(ctx, &v).unwrap_or_default()),
            v => return Err(type_err("properties() expects a node, relationship or map", &v)),
        },
        F::KEYS => match first {
            Value::Map(m) => Value::List(m.keys().map(|k| Value::str(k)).collect()),
            v @ (Value::Node(_) | Value::Rel(_)) => {
                Value::List(entity_props(ctx, &v).unwrap_or_default().keys().map(|k| Value::str(k)).collect())
            }
            v => return Err(type_err("keys() expects a node, relationship or map", &v)),
        },
        F::STARTNODE | F::ENDNODE => match first {
            Value::Rel(id) => match ctx.graph.rel_ends(id) {
                Some((s, e)) => Value::Node(if n == "startnode" { s } else { e }),
                None => Value::Null,
            },
            v => return Err(type_err("startNode()/endNode() expect a relationship", &v)),
        },
        F::NODES => match path_nodes_rels(&first) {
            Some(p) => Value::List(p.nodes.iter().map(|n| Value::Node(*n)).collect()),
            None => return Err(type_err("nodes() expects a path", &first)),
        },
        F::RELATIONSHIPS | F::RELS => match path_nodes_rels(&first) {
            Some(p) => Value::List(p.rels.iter().map(|r| Value::Rel(*r)).collect()),
            None => return Err(type_err("relationships() expects a path", &first)),
        },
        F::LENGTH => match &first {
            Value::Path(p) => Value::Int(p.rels.len() as i64),
            Value::List(l) => Value::Int(l.len() as i64),
            Value::String(s) => Value::Int(s.chars().count() as i64),
            v => return Err(type_err("length() expects a path", v)),
        },
        F::EXISTS => Value::Bool(!first.is_null()),
        F::SIZE => match &first {
            Value::Null => Value::Null,
            Value::List(l) => Value::Int(l.len() as i64),
            Value::String(s) => Value::Int(s.chars().count() as i64),
            v => return Err(type_err("size() expects a list or string", v)),
        },
        F::HEAD => match first {
            Value::List(l) => l.into_iter().next().unwrap_or(Value::Null),
            v => return Err(type_err("head() expects a list", &v)),
        },
        F::LAST => match first {
            Value::List(l) => l.into_iter().last().unwrap_or(Value::Null),
            v => return Err(type_err("last() expects a list", &v)),
        },
        F::TAIL => match first {
            Value::List(l) => Value::List(l.into_iter().skip(1).collect()),
            v => return Err(type_err("tail() expects a list", &v)),
        },
        F::REVERSE => match first {
            Value::List(mut l) => {
                l.make_mut().reverse();
                Value::List(l)
            }
            Value::String(s) => Value::from(s.chars().rev().collect::<String>()),
            v => return Err(type_err("reverse() expects a list or string", &v)),
        },
        F::RANGE => {
            let Some((s, st, count)) = range_of(&a)? else { return Ok(Value::Null) };
            if count > 100_000_000 {
                return Err(Error::runtime(
                    Kind::ResourceLimit,
                    Detail::ListTooLarge,
                    "range() would build more than 100,000,000 elements",
                ));
            }
            // The list must fit in --max-memory (whoever keeps it counts it again).
            let bytes = (count as u64).saturating_mul(std::mem::size_of::<Value>() as u64);
            ctx.control.charge(bytes)?;
            ctx.control.release(bytes);
            Value::List(range_values(s, st, count).collect())
        }
        F::TOINTEGER
        | F::TOINTEGERORNULL
        | F::TOFLOAT
        | F::TOFLOATORNULL
        | F::TOSTRING
        | F::TOSTRINGORNULL
        | F::TOBOOLEAN
        | F::TOBOOLEANORNULL => match convert(n, first.clone()) {
            Some(v) => v,
            None if n.ends_with("ornull") => Value::Null,
            None => {
                let what = match n {
                    "tointeger" => "toInteger()",
                    "tofloat" => "toFloat()",
                    "tostring" => "toString()",
                    _ => "toBoolean()",
                };
                return Err(type_err(&format!("{what} cannot convert"), &first));
            }
        },
        F::TOUPPER => Value::from(str_arg(&first, "toUpper()")?.unwrap_or("").to_uppercase()),
        F::TOLOWER => Value::from(str_arg(&first, "toLower()")?.unwrap_or("").to_lowercase()),
        F::TRIM => Value::str(str_arg(&first, "trim()")?.unwrap_or("").trim()),
        F::SUBSTRING => {
            let s = str_arg(&first, "substring()")?.unwrap_or("");
            let Some(start) = int_arg(&a[1], "substring()")? else { return Ok(Value::Null) };
            let len = match a.get(2) {
                Some(v) => match int_arg(v, "substring()")? {
                    Some(l) => Some(l),
                    None => return Ok(Value::Null),
                },
                None => None,
            };
            if start < 0 || len.is_some_and(|l| l < 0) {
                return Err(arg_err("substring() start and length must not be negative"));
            }
            let chars = s.chars().skip(start as usize);
            Value::from(match len {
                Some(l) => chars.take(l as usize).collect::<String>(),
                None => chars.collect::<String>(),
            })
        }
        F::REPLACE => {
            let s = str_arg(&first, "replace()")?.unwrap_or("");
            match (str_arg(&a[1], "replace()")?, str_arg(&a[2], "replace()")?) {
                (Some(f), Some(t)) => {
                    // The result must fit in --max-memory before it is made.
                    if t.len() > f.len() && s.len() >= 1024 {
                        let n = if f.is_empty() { s.chars().count() as u64 + 1 } else { s.matches(f).count() as u64 };
                        ctx.control
                            .fits((s.len() as u64).saturating_add(n.saturating_mul((t.len() - f.len()) as u64)))?;
                    }
                    Value::from(s.replace(f, t))
                }
                _ => Value::Null,
            }
        }
        F::SPLIT => {
            let s = str_arg(&first, "split()")?.unwrap_or("");
            // Each piece is a value of its own: the list must fit in --max-memory first.
            const PIECE: u64 = std::mem::size_of::<Value>() as u64 + super::heap(17);
            let pieces = |n: u64| n.saturating_mul(PIECE).saturating_add(s.len() as u64);
            match str_arg(&a[1], "split()")? {
                Some("") => {
                    ctx.control.fits(pieces(s.chars().count() as u64))?;
                    Value::List(s.chars().map(|c| Value::from(c.to_string())).collect())
                }
                Some(d) => {
                    if s.len() >= 1024 {
                        ctx.control.fits(pieces(s.matches(d).count() as u64 + 1))?;
                    }
                    Value::List(s.split(d).map(Value::str).collect())
                }
                None => Value::Null,
            }
        }
        F::LEFT | F::RIGHT => {
            let s = str_arg(&first, "left()/right()")?.unwrap_or("");
            let Some(l) = int_arg(&a[1], "left()/right()")? else {
                return Err(arg_err("left()/right() length cannot be null"));
            };
            if l < 0 {
                return Err(arg_err("left()/right() length must not be negative"));
            }
            let count = s.chars().count();
            let l = (l as usize).min(count);
            Value::from(if n == "left" {
                s.chars().take(l).collect::<String>()
            } else {
                s.chars().skip(count - l).collect::<String>()
            })
        }
        F::ABS => match first {
            Value::Int(i) => Value::Int(i.checked_abs().ok_or_else(|| arg_err("abs() overflow"))?),
            Value::Float(f) => Value::Float(f.abs()),
            v => return Err(type_err("abs() expects a number", &v)),
        },
        F::INTERNAL_PLUS => match first {
            v @ (Value::Int(_) | Value::Float(_)) => v,
            v => return Err(type_err("unary + expects a number", &v)),
        },
        F::SIGN => match first {
            Value::Int(i) => Value::Int(i.signum()),
            Value::Float(f) => Value::Int(if f > 0.0 {
                1
            } else if f < 0.0 {
                -1
            } else {
                0
            }),
            v => return Err(type_err("sign() expects a number", &v)),
        },
        F::CEIL | F::FLOOR | F::SQRT | F::EXP | F::LOG | F::LOG10 | F::SIN | F::COS | F::TAN => {
            let x = float_arg(&first, n)?.unwrap_or(f64::NAN);
            Value::Float(match n {
                "ceil" => x.ceil(),
                "floor" => x.floor(),
                "sqrt" => x.sqrt(),
                "exp" => x.exp(),
                "log" => x.ln(),
                "log10" => x.log10(),
                "sin" => x.sin(),
                "cos" => x.cos(),
                _ => x.tan(),
            })
        }
        _ => match super::scalar::call(f, &a)? {
            Some(v) => v,
            None => {
                a.clear();
                return Err(Error::runtime(
                    Kind::SyntaxError,
                    Detail::UnknownFunction,
                    format!("unknown function `{n}`"),
                ));
            }
        },
    })
}

fn pseudo_random() -> f64 {
    use std::cell::Cell;
    thread_local!(static STATE: Cell<u64> = const { Cell::new(0x2545_F491_4F6C_DD1D) });
    STATE.with(|s| {
        let mut x = s.get();
        if x == 0x2545_F491_4F6C_DD1D {
            x ^= std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.set(x);
        (x >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[allow(dead_code)]
fn map_of(pairs: Vec<(&str, Value)>) -> Value {
    Value::map(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<IndexMap<_, _>>())
}
