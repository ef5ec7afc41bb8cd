//! The scalar functions Neo4j 5 added to openCypher's: trims of given characters (`btrim`,
//! `ltrim`, `rtrim`, and `trim(BOTH 'x' FROM s)` lowered to them), `lower`/`upper`,
//! `normalize`, `char_length`, the list conversions (`toIntegerList`, ...), `round` to a
//! precision with a rounding mode, `isNaN`, `isEmpty`, `nullIf`, `valueType` and `timestamp`.

use unicode_normalization::UnicodeNormalization;

use super::arg_err;
use super::type_err;
use crate::catalog::functions::{FuncId, F};
use crate::error::Result;
use crate::value::Value;

/// Calls one of these functions; `None` when `f` is not one of them.
pub(crate) fn call(f: FuncId, a: &[Value]) -> Result<Option<Value>> {
    let name = f.name();
    let first = a.first().unwrap_or(&Value::Null);
    if f == F::VALUETYPE {
        return Ok(Some(Value::from(value_type(first))));
    }
    if f == F::INTERNAL_IS_TYPED {
        let Some(Value::String(t)) = a.get(1) else { return Err(arg_err("IS :: needs a type")) };
        return Ok(Some(Value::Bool(is_typed(first, t)?)));
    }
    if f == F::INTERNAL_PROPERTY_MAP {
        // `SET n[key] = value`: the one-entry map `SET n += ...` writes.
        return match first {
            Value::String(k) => {
                let value = a.get(1).cloned().unwrap_or(Value::Null);
                Ok(Some(Value::map([(k.to_string(), value)].into_iter().collect())))
            }
            v => Err(type_err("a dynamic property key must be a string", v)),
        };
    }
    if f == F::INTERNAL_IS_NORMALIZED {
        let Some(Value::String(form)) = a.get(1) else { return Err(arg_err("IS NORMALIZED needs a form")) };
        return Ok(match first {
            Value::Null => Some(Value::Null),
            Value::String(s) => Some(Value::Bool(match form.as_ref() {
                "NFD" => s.nfd().eq(s.chars()),
                "NFKC" => s.nfkc().eq(s.chars()),
                "NFKD" => s.nfkd().eq(s.chars()),
                _ => s.nfc().eq(s.chars()),
            })),
            v => return Err(type_err("IS NORMALIZED expects a string", v)),
        });
    }
    if f == F::TIMESTAMP {
        let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        return Ok(Some(Value::Int(d.as_millis() as i64)));
    }
    let known = matches!(
        f,
        F::BTRIM
            | F::LTRIM
            | F::RTRIM
            | F::LOWER
            | F::UPPER
            | F::NORMALIZE
            | F::CHAR_LENGTH
            | F::CHARACTER_LENGTH
            | F::TOBOOLEANLIST
            | F::TOFLOATLIST
            | F::TOINTEGERLIST
            | F::TOSTRINGLIST
            | F::ISNAN
            | F::ISEMPTY
            | F::NULLIF
            | F::ROUND
    );
    if !known {
        return Ok(None);
    }
    if first.is_null() || (f != F::NULLIF && a.iter().any(Value::is_null)) {
        return Ok(Some(Value::Null));
    }
    let text = |v: &Value, f: &str| match v {
        Value::String(s) => Ok(s.to_string()),
        v => Err(type_err(&format!("{f}() expects a string"), v)),
    };
    Ok(Some(match f {
        F::BTRIM | F::LTRIM | F::RTRIM => {
            let s = text(first, name)?;
            let chars: Vec<char> = match a.get(1) {
                Some(c) => text(c, name)?.chars().collect(),
                None => vec![],
            };
            let trim = |c: char| if chars.is_empty() { c.is_whitespace() } else { chars.contains(&c) };
            Value::from(match name {
                "btrim" => s.trim_matches(trim).to_string(),
                "ltrim" => s.trim_start_matches(trim).to_string(),
                _ => s.trim_end_matches(trim).to_string(),
            })
        }
        F::LOWER => Value::from(text(first, name)?.to_lowercase()),
        F::UPPER => Value::from(text(first, name)?.to_uppercase()),
        F::NORMALIZE => {
            let s = text(first, name)?;
            let form = match a.get(1) {
                Some(f) => text(f, name)?.to_ascii_uppercase(),
                None => "NFC".into(),
            };
            Value::from(match form.as_str() {
                "NFC" => s.nfc().collect::<String>(),
                "NFD" => s.nfd().collect(),
                "NFKC" => s.nfkc().collect(),
                "NFKD" => s.nfkd().collect(),
                _ => return Err(arg_err(format!("normalize() takes NFC, NFD, NFKC or NFKD, not {form}"))),
            })
        }
        F::CHAR_LENGTH | F::CHARACTER_LENGTH => Value::Int(text(first, name)?.chars().count() as i64),
        F::TOBOOLEANLIST | F::TOFLOATLIST | F::TOINTEGERLIST | F::TOSTRINGLIST => {
            let Value::List(items) = first else { return Err(type_err(&format!("{name}() expects a list"), first)) };
            let each = &name[..name.len() - "list".len()];
            let each = format!("{each}ornull");
            let mut out = Vec::with_capacity(items.len());
            for v in items {
                out.push(match v {
                    Value::List(_) | Value::Map(_) => Value::Null,
                    v => convert(&each, v),
                });
            }
            Value::list(out)
        }
        F::ISNAN => match first {
            Value::Float(f) => Value::Bool(f.is_nan()),
            Value::Int(_) => Value::Bool(false),
            v => return Err(type_err("isNaN() expects a number", v)),
        },
        F::ISEMPTY => match first {
            Value::String(s) => Value::Bool(s.is_empty()),
            Value::List(l) => Value::Bool(l.is_empty()),
            Value::Map(m) => Value::Bool(m.is_empty()),
            v => return Err(type_err("isEmpty() expects a string, list or map", v)),
        },
        F::NULLIF => match first.cypher_eq(a.get(1).unwrap_or(&Value::Null)) {
            Some(true) => Value::Null,
            _ => first.clone(),
        },
        _ => round(a)?,
    }))
}

/// `toIntegerOrNull()` and its kin on one value (the conversions of `functions.rs`).
fn convert(func: &str, v: &Value) -> Value {
    super::convert::convert_or_null(func, v.clone())
}

/// `round(x)` (half up, towards positive infinity, as Java's `Math.round`), or
/// `round(x, precision [, mode])` on the shortest decimal form of `x`, as Java's `BigDecimal`
/// rounds it (the mode `HALF_UP` unless given: ties away from zero).
fn round(a: &[Value]) -> Result<Value> {
    let x = match &a[0] {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        v => return Err(type_err("round() expects a number", v)),
    };
    let Some(p) = a.get(1) else { return Ok(Value::Float((x + 0.5).floor())) };
    let Value::Int(precision) = p else { return Err(type_err("round() expects an integer precision", p)) };
    let mode = match a.get(2) {
        Some(Value::String(m)) => m.to_ascii_uppercase(),
        Some(v) => return Err(type_err("round() expects the rounding mode as a string", v)),
        None => "HALF_UP".into(),
    };
    if !matches!(mode.as_str(), "UP" | "DOWN" | "CEILING" | "FLOOR" | "HALF_UP" | "HALF_DOWN" | "HALF_EVEN") {
        return Err(arg_err(format!(
            "round() takes the mode UP, DOWN, CEILING, FLOOR, HALF_UP, HALF_DOWN or HALF_EVEN, not {mode}"
        )));
    }
    if !x.is_finite() || x == 0.0 {
        return Ok(Value::Float(x));
    }
    // Past a thousand places a float has no digits left to round (and -i64::MIN overflows).
    Ok(Value::Float(round_decimal(x, (*precision).clamp(-1000, 1000), &mode)))
}

/// `x` rounded to `precision` decimal places by `mode`, on its shortest decimal digits.
fn round_decimal(x: f64, precision: i64, mode: &str) -> f64 {
    let negative = x < 0.0;
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i64 = exp.parse().unwrap_or(0);
    // x = digits × 10^k
    let k = exp - (digits.len() as i64 - 1);
    if k >= -precision {
        return x;
    }
    let drop = (-precision - k) as usize;
    let (kept, dropped) = if drop >= digits.len() {
        (String::from("0"), format!("{}{digits}", "0".repeat(drop - digits.len())))
    } else {
        (digits[..digits.len() - drop].to_string(), digits[digits.len() - drop..].to_string())
    };
    let first = dropped.as_bytes()[0];
    let rest_nonzero = dropped.bytes().skip(1).any(|b| b != b'0');
    let nonzero = first != b'0' || rest_nonzero;
    let tie = first == b'5' && !rest_nonzero;
    let above = first > b'5' || (first == b'5' && rest_nonzero);
    let odd = kept.as_bytes().last().is_some_and(|d| (d - b'0') % 2 == 1);
    let up = match mode {
        "UP" => nonzero,
        "DOWN" => false,
        "CEILING" => nonzero && !negative,
        "FLOOR" => nonzero && negative,
        "HALF_DOWN" => above,
        "HALF_EVEN" => above || (tie && odd),
        _ => above || tie,
    };
    let kept: u128 = kept.parse().unwrap_or(0) + u128::from(up);
    let sign = if negative { "-" } else { "" };
    format!("{sign}{kept}e{}", -precision).parse().unwrap_or(x)
}

/// Whether `v` is of the type written (`INTEGER | FLOAT`, `STRING NOT NULL`, `LIST<DATE>`, `ANY`):
/// every type but `NOTHING` and those marked `NOT NULL` holds null.
fn is_typed(v: &Value, text: &str) -> Result<bool> {
    for alt in split_union(text) {
        let words = alt.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase();
        let (base, not_null) = match words.strip_suffix(" NOT NULL") {
            Some(b) => (b.trim().to_string(), true),
            None => (words.clone(), false),
        };
        if v.is_null() {
            if !not_null && base != "NOTHING" {
                return Ok(true);
            }
            continue;
        }
        let inner = base.strip_prefix("LIST").or_else(|| base.strip_prefix("ARRAY")).map(str::trim);
        let fits = match (base.as_str(), v, inner) {
            (_, Value::List(items), Some(i)) if i.starts_with('<') && i.ends_with('>') => {
                let t = &i[1..i.len() - 1];
                let mut ok = true;
                for item in items.iter() {
                    ok &= is_typed(item, t)?;
                }
                ok
            }
            (_, _, Some(i)) if i.starts_with('<') => false,
            ("ANY" | "ANY VALUE", _, _) => true,
            ("NOTHING" | "NULL", _, _) => false,
            // The property types, by the one table of their names (constraints read it too).
            (b, v, _) if crate::catalog::property_type(b).is_some() => {
                crate::catalog::property_type(b) == Some(v.type_name())
            }
            ("NODE" | "ANY NODE" | "VERTEX" | "ANY VERTEX", v, _) => matches!(v, Value::Node(_)),
            ("RELATIONSHIP" | "ANY RELATIONSHIP" | "EDGE" | "ANY EDGE", v, _) => matches!(v, Value::Rel(_)),
            ("PATH", v, _) => matches!(v, Value::Path(_)),
            ("MAP" | "ANY MAP", v, _) => matches!(v, Value::Map(_)),
            ("LIST" | "ARRAY" | "ANY LIST", v, _) => matches!(v, Value::List(_)),
            (other, _, _) => return Err(arg_err(format!("`{other}` is not a type silkgraph knows"))),
        };
        if fits {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The alternatives of a type union, split at the `|`s outside `<...>`.
fn split_union(text: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            '|' if depth == 0 => {
                out.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].trim());
    out
}

/// Neo4j's name of a value's type (`INTEGER NOT NULL`, `LIST<STRING NOT NULL> NOT NULL`).
fn value_type(v: &Value) -> String {
    let base = match v {
        Value::Null => return "NULL".into(),
        Value::Bool(_) => "BOOLEAN",
        Value::Int(_) => "INTEGER",
        Value::Float(_) => "FLOAT",
        Value::String(_) => "STRING",
        Value::Map(_) => "MAP",
        Value::Node(_) => "NODE",
        Value::Rel(_) => "RELATIONSHIP",
        Value::Path(_) => "PATH",
        Value::Date(_) => "DATE",
        Value::LocalTime(_) => "LOCAL TIME",
        Value::Time(_) => "ZONED TIME",
        Value::LocalDateTime(_) => "LOCAL DATETIME",
        Value::DateTime(_) => "ZONED DATETIME",
        Value::Duration(_) => "DURATION",
        Value::List(items) => {
            let mut inner: Vec<String> = Vec::new();
            let mut nulls = false;
            for i in items.iter() {
                match i {
                    Value::Null => nulls = true,
                    i => {
                        let t = value_type(i);
                        let t = t.strip_suffix(" NOT NULL").unwrap_or(&t).to_string();
                        if !inner.contains(&t) {
                            inner.push(t);
                        }
                    }
                }
            }
            let of = match inner.len() {
                0 if nulls => "NULL".to_string(),
                0 => "NOTHING".to_string(),
                1 => inner.remove(0),
                _ => "ANY".to_string(),
            };
            let not_null = if nulls || of == "NOTHING" { "" } else { " NOT NULL" };
            return format!("LIST<{of}{not_null}> NOT NULL");
        }
    };
    format!("{base} NOT NULL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_as_javas_big_decimal_does() {
        let r = |x: f64, p: i64, m: &str| round_decimal(x, p, m);
        assert_eq!(r(1.234_56, 3, "HALF_UP"), 1.235);
        assert_eq!(r(-1.55, 1, "HALF_UP"), -1.6);
        assert_eq!(
            [r(1.249, 1, "UP"), r(-1.251, 1, "UP"), r(1.25, 1, "UP"), r(-1.35, 1, "UP")],
            [1.3, -1.3, 1.3, -1.4]
        );
        assert_eq!([r(1.25, 1, "HALF_EVEN"), r(1.35, 1, "HALF_EVEN"), r(-1.35, 1, "HALF_DOWN")], [1.2, 1.4, -1.3]);
        assert_eq!([r(1234.5, -2, "HALF_UP"), r(0.004, 2, "CEILING"), r(-0.004, 2, "FLOOR")], [1200.0, 0.01, -0.01]);
        assert_eq!(r(2.5, 0, "HALF_UP"), 3.0);
        let huge = round(&[Value::Float(1.5), Value::Int(i64::MIN)]).unwrap();
        assert_eq!(huge, Value::Float(0.0));
        assert_eq!(round(&[Value::Float(1.5), Value::Int(i64::MAX)]).unwrap(), Value::Float(1.5));
    }

    #[test]
    fn value_types_are_named_as_neo4j_names_them() {
        let list = Value::list(vec![Value::Int(1), Value::Null]);
        assert_eq!(value_type(&list), "LIST<INTEGER> NOT NULL");
        assert_eq!(value_type(&Value::list(vec![])), "LIST<NOTHING> NOT NULL");
        assert_eq!(value_type(&Value::str("x")), "STRING NOT NULL");
        assert_eq!(value_type(&Value::Null), "NULL");
    }

    #[test]
    fn type_predicates_follow_neo4j() {
        let t = |v: Value, ty: &str| is_typed(&v, ty).unwrap();
        assert!(t(Value::Int(1), "INTEGER") && t(Value::Null, "INTEGER") && !t(Value::Null, "INTEGER NOT NULL"));
        assert!(t(Value::Float(1.5), "INTEGER | FLOAT") && !t(Value::str("x"), "INTEGER | FLOAT"));
        let l = Value::list(vec![Value::Int(1), Value::Null]);
        assert!(t(l.clone(), "LIST<INTEGER>") && !t(l, "LIST<INTEGER NOT NULL>"));
        assert!(t(Value::str("x"), "ANY") && !t(Value::str("x"), "NOTHING"));
        assert!(is_typed(&Value::Int(1), "WIDGET").is_err());
    }
}
