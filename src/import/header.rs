//! The neo4j-admin CSV convention's header fields (`name:TYPE`) and cells, read one way for
//! `silkgraph import` and for `--graph DIR` (the CSV export's reader).
//!
//! Field types: `:ID`, `name:ID(Space)`, `:LABEL`, `:START_ID(Space)`, `:END_ID(Space)`, `:TYPE`,
//! `:IGNORE` (any case), and property columns `string` (also `char`; the default), `int`,
//! `long`, `short`, `byte`, `integer`, `float`, `double`, `boolean` (also `bool`), `date`, with
//! `[]` for arrays whose elements are separated by `;`. Any other type is an error: a typo never
//! turns numbers into strings silently.

use crate::error::FileError;
use crate::value::{Date, Value};

/// A property column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// Text (`string`, `char`, or no type).
    Str,
    /// An integer (`int`, `long`, `short`, `byte`, `integer`).
    Int,
    /// A floating-point number (`float`, `double`).
    Float,
    /// A boolean (`boolean`, `bool`).
    Bool,
    /// A date (`date`).
    Date,
}

/// What a header field means; `N` is how a property name is held (its text, or an interned key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field<N = String> {
    /// The node id in an id space (`""` for the default one); `name` when the header names it.
    Id {
        /// The name before the colon (`personId` in `personId:ID`), if any.
        name: Option<N>,
        /// The id space (`Person` in `:ID(Person)`), or `""` for the default one.
        space: String,
    },
    /// `:LABEL`: the node's labels, separated by `;`.
    Label,
    /// `:START_ID(Space)`: the start node's id, in the named id space (`""` for the default one).
    Start(String),
    /// `:END_ID(Space)`: the end node's id, in the named id space (`""` for the default one).
    End(String),
    /// `:TYPE`: the relationship's type.
    Type,
    /// `:IGNORE`: a column that is skipped.
    Ignore,
    /// `name:type`: a property column.
    Prop {
        /// The property's name.
        name: N,
        /// The type of the values (or of the array's elements).
        ty: Ty,
        /// Whether the cells are arrays, their elements separated by `;` (`type[]`).
        array: bool,
    },
}

impl Field {
    /// The same field with its names turned into `M`s (interned, say).
    pub fn map_names<M>(self, mut f: impl FnMut(&str) -> M) -> Field<M> {
        match self {
            Field::Id { name, space } => Field::Id { name: name.map(|n| f(&n)), space },
            Field::Label => Field::Label,
            Field::Start(s) => Field::Start(s),
            Field::End(s) => Field::End(s),
            Field::Type => Field::Type,
            Field::Ignore => Field::Ignore,
            Field::Prop { name, ty, array } => Field::Prop { name: f(&name), ty, array },
        }
    }
}

/// Checks a file's header as a whole: one `:ID`, `:START_ID`, `:END_ID` and `:TYPE` at most,
/// no column repeated (a property may have one column per type, as silkgraph's CSV export
/// writes a key whose values have several types), and no property column named as the `:ID`
/// column (`id:ID` stores the property `id`). An error names both fields (1-based).
pub fn check_header<'a>(header: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    let mut id_name: Option<(String, usize)> = None;
    for (i, h) in header.into_iter().enumerate() {
        let what = match parse_field(h) {
            Ok(Field::Id { name, .. }) => {
                id_name = name.map(|n| (n, i + 1));
                ":ID".to_string()
            }
            Ok(Field::Start(_)) => ":START_ID".to_string(),
            Ok(Field::End(_)) => ":END_ID".to_string(),
            Ok(Field::Type) => ":TYPE".to_string(),
            Ok(Field::Prop { name, ty, array }) => {
                if let Some((n, at)) = id_name.as_ref().filter(|(n, _)| *n == name) {
                    return Err(format!("field {} repeats the property `{n}` that the :ID column {at} stores", i + 1));
                }
                let ty = match ty {
                    Ty::Str => "string",
                    Ty::Int => "int",
                    Ty::Float => "float",
                    Ty::Bool => "boolean",
                    Ty::Date => "date",
                };
                format!("the property `{name}` as {ty}{}", if array { "[]" } else { "" })
            }
            _ => continue,
        };
        check_seen(&mut seen, what, i + 1)?;
    }
    Ok(())
}

fn check_seen(seen: &mut Vec<(String, usize)>, what: String, field: usize) -> Result<(), String> {
    if let Some((_, first)) = seen.iter().find(|(w, _)| *w == what) {
        return Err(format!("field {field} repeats {what} of field {first}"));
    }
    seen.push((what, field));
    Ok(())
}

/// `ID`, `ID(Space)` (any case) → the space; `None` for other types.
fn id_space(ty: &str, tag: &str) -> Option<String> {
    let head = ty.get(..tag.len()).filter(|h| h.eq_ignore_ascii_case(tag))?;
    let rest = &ty[head.len()..];
    if rest.is_empty() {
        return Some(String::new());
    }
    rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')).map(str::to_string)
}

/// One header field; the error says what is wrong with it (the caller adds file and column).
pub fn parse_field(h: &str) -> Result<Field, String> {
    let (name, ty) = match h.rsplit_once(':') {
        Some((n, t)) => (n.trim(), t.trim()),
        None => (h.trim(), "string"),
    };
    if let Some(space) = id_space(ty, "ID") {
        return Ok(Field::Id { name: (!name.is_empty()).then(|| name.to_string()), space });
    }
    if let Some(space) = id_space(ty, "START_ID") {
        return Ok(Field::Start(space));
    }
    if let Some(space) = id_space(ty, "END_ID") {
        return Ok(Field::End(space));
    }
    match ty.to_ascii_uppercase().as_str() {
        "LABEL" => return Ok(Field::Label),
        "TYPE" => return Ok(Field::Type),
        "IGNORE" => return Ok(Field::Ignore),
        _ => {}
    }
    if name.is_empty() {
        return Err("a property column needs a name".into());
    }
    let (base, array) = match ty.strip_suffix("[]") {
        Some(b) => (b, true),
        None => (ty, false),
    };
    let ty = match base.to_ascii_lowercase().as_str() {
        "string" | "char" | "" => Ty::Str,
        "int" | "long" | "short" | "byte" | "integer" => Ty::Int,
        "float" | "double" => Ty::Float,
        "boolean" | "bool" => Ty::Bool,
        "date" => Ty::Date,
        other => return Err(format!("unknown column type `{other}`")),
    };
    Ok(Field::Prop { name: name.to_string(), ty, array })
}

/// One cell of a `ty` column.
pub fn parse_cell(cell: &str, ty: Ty) -> Result<Value, String> {
    Ok(match ty {
        Ty::Str => Value::str(cell),
        Ty::Int => Value::Int(cell.trim().parse().map_err(|_| format!("`{cell}` is not an integer"))?),
        // Rust's float syntax takes `NaN`, `inf`, `Infinity` and their signs, in any case.
        Ty::Float => Value::Float(cell.trim().parse().map_err(|_| format!("`{cell}` is not a number"))?),
        Ty::Bool => match cell.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(format!("`{cell}` is not true or false")),
        },
        Ty::Date => Value::Date(Date::parse(cell).ok_or_else(|| format!("`{cell}` is not a date (YYYY-MM-DD)"))?),
    })
}

/// A property cell: one value, or a `;`-separated array.
pub fn column_value(cell: &str, ty: Ty, array: bool) -> Result<Value, String> {
    if array {
        cell.split(';').map(|p| parse_cell(p, ty)).collect::<Result<_, _>>().map(Value::List)
    } else {
        parse_cell(cell, ty)
    }
}

/// Where a quoted field that is never closed begins, as a 1-based line, scanning `bytes` from
/// the start of a record (RFC 4180: a quote opens a field only at its start, `""` inside one is
/// a quote, a quote elsewhere in an unquoted field is text). The CSV reader takes such a field
/// to the end of the file, so it is only ever in the last record: checking that one is enough.
fn unclosed_quote(bytes: &[u8], first_line: u64) -> Option<u64> {
    let (mut line, mut i, mut field_start, mut opened) = (first_line, 0, true, None);
    while i < bytes.len() {
        let b = bytes[i];
        match opened {
            Some(_) if b == b'"' && bytes.get(i + 1) == Some(&b'"') => i += 1,
            Some(_) if b == b'"' => opened = None,
            None if b == b'"' && field_start => opened = Some(line),
            _ => {}
        }
        if b == b'\n' {
            line += 1;
        }
        field_start = opened.is_none() && matches!(b, b',' | b'\n' | b'\r');
        i += 1;
    }
    opened
}

/// An error if the last record of `path` (its bytes from the record's start in `tail`, which
/// starts at `first_line`) opens a quote it never closes (see `unclosed_quote`).
pub fn check_closed(path: &std::path::Path, tail: &[u8], first_line: u64) -> Result<(), FileError> {
    match unclosed_quote(tail, first_line) {
        Some(line) => Err(FileError::invalid(
            path,
            "a quoted field opens here and is never closed (the rest of the file would be one value)",
        )
        .at(line, None)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields() {
        let prop = |name: &str, ty, array| Ok(Field::Prop { name: name.into(), ty, array });
        assert_eq!(parse_field("id:ID"), Ok(Field::Id { name: Some("id".into()), space: String::new() }));
        assert_eq!(parse_field(":ID"), Ok(Field::Id { name: None, space: String::new() }));
        assert_eq!(
            parse_field("personId:id(Person)"),
            Ok(Field::Id { name: Some("personId".into()), space: "Person".into() })
        );
        assert_eq!(parse_field(":START_ID(Person)"), Ok(Field::Start("Person".into())));
        assert_eq!(parse_field(":end_id"), Ok(Field::End(String::new())));
        assert_eq!(parse_field(":LABEL"), Ok(Field::Label));
        assert_eq!(parse_field(":TYPE"), Ok(Field::Type));
        assert_eq!(parse_field("tags:string[]"), prop("tags", Ty::Str, true));
        assert_eq!(parse_field("born:int"), prop("born", Ty::Int, false));
        assert_eq!(parse_field("born:integer"), prop("born", Ty::Int, false));
        assert_eq!(parse_field("ok:bool"), prop("ok", Ty::Bool, false));
        assert_eq!(parse_field("name"), prop("name", Ty::Str, false));
        assert!(parse_field(":string").is_err());
        assert!(parse_field("x:integr").is_err(), "a typo is an error, not a string column");
        assert!(parse_field(":IDENTITY").is_err());
    }

    #[test]
    fn headers_name_each_thing_once() {
        assert!(check_header(["id:ID", "name", "born:int", ":LABEL", ":LABEL"]).is_ok());
        assert!(check_header([":START_ID", ":END_ID", ":TYPE", "since:int"]).is_ok());
        assert!(check_header([":ID", "k:int", "k:string", "k:string[]"]).is_ok(), "a column per type");
        assert_eq!(
            check_header(["id:ID", "name", "name:string"]),
            Err("field 3 repeats the property `name` as string of field 2".into())
        );
        assert_eq!(check_header(["id:ID", "other:ID"]), Err("field 2 repeats :ID of field 1".into()));
        assert_eq!(
            check_header(["id:ID", "id:int"]),
            Err("field 2 repeats the property `id` that the :ID column 1 stores".into())
        );
        assert!(check_header([":START_ID", ":START_ID", ":END_ID"]).is_err());
    }

    #[test]
    fn cells() {
        assert_eq!(parse_cell(" 42 ", Ty::Int), Ok(Value::Int(42)));
        assert!(matches!(parse_cell("-Infinity", Ty::Float), Ok(Value::Float(f)) if f == f64::NEG_INFINITY));
        assert!(matches!(parse_cell("NaN", Ty::Float), Ok(Value::Float(f)) if f.is_nan()));
        assert_eq!(parse_cell("TRUE", Ty::Bool), Ok(Value::Bool(true)));
        assert!(parse_cell("yes", Ty::Bool).is_err());
        assert_eq!(column_value("1;2", Ty::Int, true), Ok(Value::list(vec![Value::Int(1), Value::Int(2)])));
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(unclosed_quote(b"1,\"Ann\n2,Bob\n", 2), Some(2));
        assert_eq!(unclosed_quote(b"1,\"An\"\"n\"\n", 2), None);
        assert_eq!(unclosed_quote(b"1,\"a\nb\",5\"\n", 2), None, "a quote inside an unquoted field is text");
        assert_eq!(unclosed_quote(b"1,x\n2,\"y\"\"\n", 2), Some(3));
    }
}
