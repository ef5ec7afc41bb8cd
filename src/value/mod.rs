//! Cypher values and their semantics: ternary equality, comparability, the global sort order,
//! and equivalence (used for DISTINCT and grouping, where `null` equals `null`).

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use indexmap::IndexMap;

pub mod temporal;

use temporal::{DateTime, Duration, LocalDateTime, LocalTime, Time};

macro_rules! entity_ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        #[repr(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl $name {
            /// Its position in arrays indexed by id.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The ids `first`, `first + 1`, ... below `end`.
            pub fn range(first: $name, end: $name) -> impl DoubleEndedIterator<Item = $name> {
                (first.0..end.0).map($name)
            }
        }

        impl From<$name> for u64 {
            fn from(id: $name) -> u64 {
                id.0
            }
        }
    )*};
}

entity_ids!(
    /// Identifies a node; stable for the lifetime of a graph, never reused after deletion.
    NodeId,
    /// Identifies a relationship; stable, never reused.
    RelId,
);

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year, which may be zero or negative (year 0 is 1 BCE).
    pub year: i32,
    /// The month, from 1 to 12.
    pub month: u8,
    /// The day of the month, from 1.
    pub day: u8,
}

impl Date {
    /// The date with these parts, or `None` when the month or day is out of range.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses ISO-8601 dates (see [`temporal::parse_date`]), and `YYYY-M-D`.
    pub fn parse(s: &str) -> Option<Date> {
        if let Some(d) = temporal::parse_date(s) {
            return Some(d);
        }
        let s = s.trim();
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let parts: Vec<&str> = s.split('-').collect();
        let (y, m, d) = match parts.as_slice() {
            [y, m, d] if digits(y) && digits(m) && digits(d) => (*y, *m, *d),
            [y, m] if digits(y) && digits(m) => (*y, *m, "1"),
            [y] if digits(y) && y.len() == 8 => (&y[..4], &y[4..6], &y[6..]),
            [y] if digits(y) && y.len() == 4 => (*y, "1", "1"),
            _ => return None,
        };
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if (0..=9999).contains(&self.year) {
            write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
        } else {
            write!(f, "{:+05}-{:02}-{:02}", self.year, self.month, self.day)
        }
    }
}

/// A path: `nodes.len() == rels.len() + 1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    /// The node ids, from the path's start to its end.
    pub nodes: Vec<NodeId>,
    /// The relationship ids, in path order: `rels[i]` joins `nodes[i]` and `nodes[i + 1]`.
    pub rels: Vec<RelId>,
}

/// The items of a list value, shared between its copies: a clone is a reference count, and a
/// change copies the items only when another copy still holds them (`make_mut`). It reads as
/// a `Vec<Value>`.
#[derive(Debug, Clone, Default)]
pub struct List(Arc<Vec<Value>>);

impl List {
    /// The items, to change (copied first if another list shares them).
    pub fn make_mut(&mut self) -> &mut Vec<Value> {
        Arc::make_mut(&mut self.0)
    }

    /// The items, owned (copied if another list shares them).
    pub fn into_vec(self) -> Vec<Value> {
        Arc::unwrap_or_clone(self.0)
    }
}

impl std::ops::Deref for List {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

impl From<Vec<Value>> for List {
    fn from(v: Vec<Value>) -> List {
        List(Arc::new(v))
    }
}

impl FromIterator<Value> for List {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> List {
        List(Arc::new(iter.into_iter().collect()))
    }
}

impl IntoIterator for List {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a> IntoIterator for &'a List {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A Cypher value.
#[derive(Debug, Clone)]
pub enum Value {
    /// `null`: a missing or unknown value.
    Null,
    /// A boolean.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit floating-point number.
    Float(f64),
    /// A string (shared, so cloning is cheap).
    String(Arc<str>),
    /// A list of values (shared, so cloning a row that holds a long list is cheap: `UNWIND`
    /// of a collected list hands out rows that share it).
    List(List),
    /// A map from string keys to values, in insertion order.
    Map(Box<IndexMap<String, Value>>),
    /// A node, by id.
    Node(NodeId),
    /// A relationship, by id.
    Rel(RelId),
    /// A path of nodes and relationships.
    Path(Box<Path>),
    /// A calendar date.
    Date(Date),
    /// A time of day without a time zone.
    LocalTime(LocalTime),
    /// A time of day with a UTC offset.
    Time(Time),
    /// A date and time without a time zone.
    LocalDateTime(LocalDateTime),
    /// A date and time with a time zone or UTC offset.
    DateTime(DateTime),
    /// An amount of time in months, days, seconds and nanoseconds.
    Duration(Box<Duration>),
}

impl Value {
    /// A string value holding a copy of `s`.
    pub fn str(s: &str) -> Value {
        Value::String(Arc::from(s))
    }

    /// A list value holding `items`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List::from(items))
    }

    /// A map value holding `m`.
    pub fn map(m: IndexMap<String, Value>) -> Value {
        Value::Map(Box::new(m))
    }

    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The type name used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "Null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::Float(_) => "Float",
            Value::String(_) => "String",
            Value::List(_) => "List",
            Value::Map(_) => "Map",
            Value::Node(_) => "Node",
            Value::Rel(_) => "Relationship",
            Value::Path(_) => "Path",
            Value::Date(_) => "Date",
            Value::LocalTime(_) => "LocalTime",
            Value::Time(_) => "Time",
            Value::LocalDateTime(_) => "LocalDateTime",
            Value::DateTime(_) => "DateTime",
            Value::Duration(_) => "Duration",
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Cypher's `=`: `None` is null (unknown).
    pub fn cypher_eq(&self, other: &Value) -> Option<bool> {
        use Value::*;
        match (self, other) {
            (Null, _) | (_, Null) => None,
            (Bool(a), Bool(b)) => Some(a == b),
            (Int(a), Int(b)) => Some(a == b),
            (Int(_), Float(_)) | (Float(_), Int(_)) | (Float(_), Float(_)) => {
                Some(num_cmp(self, other) == Some(Ordering::Equal))
            }
            (String(a), String(b)) => Some(a == b),
            (Date(a), Date(b)) => Some(a == b),
            (LocalTime(a), LocalTime(b)) => Some(a == b),
            (Time(a), Time(b)) => Some(a == b),
            (LocalDateTime(a), LocalDateTime(b)) => Some(a == b),
            (DateTime(a), DateTime(b)) => Some(a == b),
            (Duration(a), Duration(b)) => Some(a == b),
            (Node(a), Node(b)) => Some(a == b),
            (Rel(a), Rel(b)) => Some(a == b),
            (Path(a), Path(b)) => Some(a == b),
            (List(a), List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut unknown = false;
                for (x, y) in a.iter().zip(b) {
                    match x.cypher_eq(y) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown {
                    None
                } else {
                    Some(true)
                }
            }
            (Map(a), Map(b)) => {
                if a.len() != b.len() || a.keys().any(|k| !b.contains_key(k)) {
                    return Some(false);
                }
                let mut unknown = false;
                for (k, x) in a.iter() {
                    match x.cypher_eq(&b[k]) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown {
                    None
                } else {
                    Some(true)
                }
            }
            _ => Some(false),
        }
    }

    /// Cypher's `<`, `>` and friends: `None` when the values are not comparable (or a null is
    /// involved), otherwise their order.
    pub fn cypher_cmp(&self, other: &Value) -> Option<Ordering> {
        use Value::*;
        match (self, other) {
            (Int(a), Int(b)) => Some(a.cmp(b)),
            (Int(_) | Float(_), Int(_) | Float(_)) => num_cmp(self, other),
            (String(a), String(b)) => Some(a.cmp(b)),
            (Bool(a), Bool(b)) => Some(a.cmp(b)),
            (Date(a), Date(b)) => Some(a.cmp(b)),
            (LocalTime(a), LocalTime(b)) => Some(a.cmp(b)),
            (Time(a), Time(b)) => Some(a.cmp(b)),
            (LocalDateTime(a), LocalDateTime(b)) => Some(a.cmp(b)),
            (DateTime(a), DateTime(b)) => Some(a.cmp(b)),
            (List(a), List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.cypher_cmp(y)? {
                        Ordering::Equal => {}
                        o => return Some(o),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            _ => None,
        }
    }

    fn order_class(&self) -> u8 {
        match self {
            Value::Map(_) => 0,
            Value::Node(_) => 1,
            Value::Rel(_) => 2,
            Value::List(_) => 3,
            Value::Path(_) => 4,
            Value::DateTime(_) => 5,
            Value::LocalDateTime(_) => 6,
            Value::Date(_) => 7,
            Value::Time(_) => 8,
            Value::LocalTime(_) => 9,
            Value::Duration(_) => 10,
            Value::String(_) => 11,
            Value::Bool(_) => 12,
            Value::Int(_) | Value::Float(_) => 13,
            Value::Null => 14,
        }
    }

    /// The total order of `ORDER BY` (ascending): maps, nodes, relationships, lists, paths,
    /// datetimes, local datetimes, dates, times, local times, durations, strings, booleans,
    /// numbers (NaN last among them), then null.
    pub fn order(&self, other: &Value) -> Ordering {
        use Value::*;
        let (ca, cb) = (self.order_class(), other.order_class());
        if ca != cb {
            return ca.cmp(&cb);
        }
        match (self, other) {
            (Int(a), Int(b)) => a.cmp(b),
            (Int(_) | Float(_), Int(_) | Float(_)) => {
                let (fa, fb) = (self.as_f64().unwrap_or(0.0), other.as_f64().unwrap_or(0.0));
                match (fa.is_nan(), fb.is_nan()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    _ => num_cmp(self, other).unwrap_or(Ordering::Equal),
                }
            }
            (String(a), String(b)) => a.cmp(b),
            (Bool(a), Bool(b)) => a.cmp(b),
            (Date(a), Date(b)) => a.cmp(b),
            (LocalTime(a), LocalTime(b)) => a.cmp(b),
            (Time(a), Time(b)) => a.cmp(b),
            (LocalDateTime(a), LocalDateTime(b)) => a.cmp(b),
            (DateTime(a), DateTime(b)) => a.cmp(b),
            (Duration(a), Duration(b)) => a.cmp(b),
            (Node(a), Node(b)) => a.cmp(b),
            (Rel(a), Rel(b)) => a.cmp(b),
            (List(a), List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.order(y) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                a.len().cmp(&b.len())
            }
            (Path(a), Path(b)) => a.nodes.cmp(&b.nodes).then_with(|| a.rels.cmp(&b.rels)),
            (Map(a), Map(b)) => {
                let mut ka: Vec<_> = a.iter().collect();
                let mut kb: Vec<_> = b.iter().collect();
                ka.sort_by(|x, y| x.0.cmp(y.0));
                kb.sort_by(|x, y| x.0.cmp(y.0));
                for ((k1, v1), (k2, v2)) in ka.iter().zip(kb.iter()) {
                    match k1.cmp(k2).then_with(|| v1.order(v2)) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                ka.len().cmp(&kb.len())
            }
            _ => Ordering::Equal,
        }
    }

    /// Ternary truth value of a predicate result; non-boolean non-null values are an error
    /// that callers report.
    pub fn truth(&self) -> Option<Option<bool>> {
        match self {
            Value::Bool(b) => Some(Some(*b)),
            Value::Null => Some(None),
            _ => None,
        }
    }
}

/// Numeric comparison of two numbers, exact between integers and floats.
fn num_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(i), Value::Float(f)) => int_float_cmp(*i, *f),
        (Value::Float(f), Value::Int(i)) => int_float_cmp(*i, *f).map(Ordering::reverse),
        _ => None,
    }
}

fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    let fi = i as f64;
    match fi.partial_cmp(&f)? {
        // Equal as floats: compare exactly (the float is integral and near i64's range).
        Ordering::Equal => Some((i as i128).cmp(&(f as i128))),
        o => Some(o),
    }
}

/// Equivalence: the equality of DISTINCT, grouping and `IN` on lists of keys. Unlike `=`, null is
/// equivalent to null and NaN to NaN; `1` and `1.0` are equivalent.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Float(a), Float(b)) => (a.is_nan() && b.is_nan()) || a == b,
            (Int(_) | Float(_), Int(_) | Float(_)) => num_cmp(self, other) == Some(Ordering::Equal),
            (Bool(a), Bool(b)) => a == b,
            (String(a), String(b)) => a == b,
            (List(a), List(b)) => **a == **b,
            (Map(a), Map(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v)),
            (Node(a), Node(b)) => a == b,
            (Rel(a), Rel(b)) => a == b,
            (Path(a), Path(b)) => a == b,
            (Date(a), Date(b)) => a == b,
            (LocalTime(a), LocalTime(b)) => a == b,
            (Time(a), Time(b)) => a == b,
            (LocalDateTime(a), LocalDateTime(b)) => a == b,
            (DateTime(a), DateTime(b)) => a == b,
            (Duration(a), Duration(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Value::Null => 0u8.hash(state),
            Value::Bool(b) => b.hash(state),
            Value::Int(i) => {
                1u8.hash(state);
                i.hash(state)
            }
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 9.2e18 {
                    1u8.hash(state);
                    (*f as i64).hash(state)
                } else if f.is_nan() {
                    2u8.hash(state)
                } else {
                    3u8.hash(state);
                    f.to_bits().hash(state)
                }
            }
            Value::String(s) => s.hash(state),
            Value::List(l) => {
                4u8.hash(state);
                l.hash(state)
            }
            Value::Map(m) => {
                5u8.hash(state);
                m.len().hash(state);
                // Order-independent: combine per-entry hashes.
                let mut acc = 0u64;
                for (k, v) in m.iter() {
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    k.hash(&mut h);
                    v.hash(&mut h);
                    acc = acc.wrapping_add(h.finish());
                }
                acc.hash(state)
            }
            Value::Node(n) => {
                6u8.hash(state);
                n.hash(state)
            }
            Value::Rel(r) => {
                7u8.hash(state);
                r.hash(state)
            }
            Value::Path(p) => p.hash(state),
            Value::Date(d) => d.hash(state),
            Value::LocalTime(t) => t.hash(state),
            Value::Time(t) => t.hash(state),
            Value::LocalDateTime(t) => t.hash(state),
            Value::DateTime(t) => t.hash(state),
            Value::Duration(d) => d.hash(state),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::str(s)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(Arc::from(s))
    }
}
impl From<Option<bool>> for Value {
    fn from(b: Option<bool>) -> Value {
        b.map_or(Value::Null, Value::Bool)
    }
}

/// Formats a float as Cypher prints it: always with a `.` or an exponent.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if f == f.trunc() && f.abs() < 1e16 {
        format!("{f:.1}")
    } else {
        let s = format!("{f}");
        if s.contains(['.', 'e', 'E']) {
            s
        } else {
            format!("{s}.0")
        }
    }
}

/// Quotes a string in Cypher's single-quoted notation.
pub fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Whether a name can be written bare in Cypher (else it needs backticks).
pub fn is_plain_name(s: &str) -> bool {
    // The grammar's rule (Unicode XID, and `_`), not `char::is_alphanumeric`: that takes `₂`
    // and `²`, which the parser does not, so `co₂_t` must be written `` `co₂_t` ``.
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if unicode_ident::is_xid_start(c) || c == '_')
        && chars.all(|c| unicode_ident::is_xid_continue(c) || c == '_')
}

/// `name` or `` `na me` ``.
pub fn quote_name(s: &str) -> String {
    if is_plain_name(s) {
        s.to_string()
    } else {
        format!("`{}`", s.replace('`', "``"))
    }
}

/// Writes a value in Cypher's literal notation; entities appear by id (`node(3)`), for plans
/// and messages. Renderers that can see the graph print entities in full.
pub fn to_cypher_literal(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format_float(*f),
        Value::String(s) => quote_string(s),
        Value::List(xs) => format!("[{}]", xs.iter().map(to_cypher_literal).collect::<Vec<_>>().join(", ")),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", quote_name(k), to_cypher_literal(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Node(id) => format!("node({id})"),
        Value::Rel(id) => format!("relationship({id})"),
        Value::Path(p) => format!("path({} nodes)", p.nodes.len()),
        Value::Date(d) => format!("date('{d}')"),
        Value::LocalTime(_) | Value::Time(_) | Value::LocalDateTime(_) | Value::DateTime(_) | Value::Duration(_) => {
            temporal::cypher_literal(v).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_ternary() {
        assert_eq!(Value::Int(1).cypher_eq(&Value::Float(1.0)), Some(true));
        assert_eq!(Value::Null.cypher_eq(&Value::Null), None);
        let l1 = Value::list(vec![Value::Int(1), Value::Null]);
        let l2 = Value::list(vec![Value::Int(2), Value::Null]);
        assert_eq!(l1.cypher_eq(&l2), Some(false));
        assert_eq!(l1.cypher_eq(&l1.clone()), None);
        assert_eq!(Value::str("a").cypher_eq(&Value::Int(1)), Some(false));
        assert_eq!(Value::Float(f64::NAN).cypher_eq(&Value::Float(f64::NAN)), Some(false));
    }

    #[test]
    fn equivalence_treats_null_and_nan_as_equal() {
        assert_eq!(Value::Null, Value::Null);
        assert_eq!(Value::Float(f64::NAN), Value::Float(f64::NAN));
        assert_eq!(Value::Int(1), Value::Float(1.0));
    }

    #[test]
    fn global_order() {
        let mut v = [
            Value::Null,
            Value::Int(2),
            Value::Float(f64::NAN),
            Value::str("a"),
            Value::Bool(true),
            Value::list(vec![]),
            Value::Float(1.5),
        ];
        v.sort_by(|a, b| a.order(b));
        let names: Vec<_> = v.iter().map(|x| x.type_name()).collect();
        assert_eq!(names, ["List", "String", "Boolean", "Float", "Integer", "Float", "Null"]);
    }

    #[test]
    fn comparability() {
        assert_eq!(Value::Int(1).cypher_cmp(&Value::str("a")), None);
        assert_eq!(Value::Int(i64::MAX).cypher_cmp(&Value::Float(9.223372036854776e18)), Some(Ordering::Less));
        assert_eq!(Value::str("a").cypher_cmp(&Value::str("b")), Some(Ordering::Less));
    }

    #[test]
    fn dates() {
        let d = Date::parse("2015-05-20").unwrap();
        assert_eq!(d.to_string(), "2015-05-20");
        assert!(Date::parse("2015-02-30").is_none());
        assert_eq!(Date::parse("20150520"), Some(d));
    }

    #[test]
    fn floats_print_with_a_point() {
        assert_eq!(format_float(1.0), "1.0");
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(1e20), "100000000000000000000.0");
    }
}
