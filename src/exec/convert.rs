//! The conversions of `toInteger()`, `toFloat()`, `toString()` and `toBoolean()` (and their
//! `OrNull` forms), shared by those functions and by Neo4j 5's list conversions
//! (`toIntegerList()`, ...).

use crate::value::Value;

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    t.parse::<i64>().ok().or_else(|| {
        let f = t.parse::<f64>().ok()?;
        (f.is_finite() && f.abs() < 9.2e18).then(|| f.trunc() as i64)
    })
}

/// `toInteger()`, `toFloat()`, `toString()` or `toBoolean()` (by the lowercase name, with or
/// without `OrNull`) of a value: `None` when the value is of a type the function does not
/// convert; a string that does not read as one is null.
pub(crate) fn convert(func: &str, v: Value) -> Option<Value> {
    let base = func.strip_suffix("ornull").unwrap_or(func);
    Some(match (base, v) {
        (_, Value::Null) => Value::Null,
        ("tointeger", Value::Int(i)) => Value::Int(i),
        ("tointeger", Value::Float(f)) if f.is_finite() && f.abs() < 9.2e18 => Value::Int(f.trunc() as i64),
        ("tointeger", Value::Float(_)) => Value::Null,
        ("tointeger", Value::String(s)) => parse_int(&s).map_or(Value::Null, Value::Int),
        ("tointeger", Value::Bool(b)) => Value::Int(i64::from(b)),
        ("tofloat", Value::Int(i)) => Value::Float(i as f64),
        ("tofloat", Value::Float(f)) => Value::Float(f),
        ("tofloat", Value::String(s)) => s.trim().parse::<f64>().map_or(Value::Null, Value::Float),
        ("tostring", Value::String(s)) => Value::String(s),
        ("tostring", Value::Int(i)) => Value::from(i.to_string()),
        ("tostring", Value::Float(f)) => Value::from(crate::value::format_float(f)),
        ("tostring", Value::Bool(b)) => Value::from(b.to_string()),
        ("tostring", v) if crate::value::temporal::is_temporal(&v) => {
            Value::from(crate::value::temporal::kind_and_text(&v).unwrap_or_default().1)
        }
        ("toboolean", Value::Bool(b)) => Value::Bool(b),
        ("toboolean", Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::Null,
        },
        ("toboolean", Value::Int(i)) => Value::Bool(i != 0),
        _ => return None,
    })
}

/// [`convert`], null for what it does not convert.
pub(crate) fn convert_or_null(func: &str, v: Value) -> Value {
    convert(func, v).unwrap_or(Value::Null)
}
