//! Renderers: results as the contract's JSON values, as aligned tables in Cypher notation, and
//! as RFC 4180 CSV.

use serde_json::{json, Map as JMap, Value as J};

pub mod table;

use crate::exec::{QueryResult, Stats};
use crate::store::Graph;
use crate::value::{format_float, quote_name, quote_string, NodeId, RelId, Value};

/// A float as the contract wants it: always with a `.` or exponent; NaN and infinities tagged.
fn float_json(f: f64) -> J {
    if f.is_nan() {
        json!({"@float": "NaN"})
    } else if f.is_infinite() {
        json!({"@float": if f > 0.0 { "Infinity" } else { "-Infinity" }})
    } else {
        // serde_json prints integral floats as `1.0`.
        J::from(f)
    }
}

fn props_json(graph: &Graph, props: &[(crate::store::KeyId, Value)]) -> J {
    let mut m = JMap::new();
    for (k, v) in props {
        m.insert(graph.keys().name(*k).to_string(), to_json(graph, v));
    }
    J::Object(m)
}

fn node_json(graph: &Graph, id: NodeId) -> J {
    let labels: Vec<&str> = graph.node_labels(id).iter().map(|l| graph.labels().name(*l)).collect();
    json!({"@node": {"id": id, "labels": labels, "properties": props_json(graph, &graph.node_props(id))}})
}

fn rel_json(graph: &Graph, id: RelId) -> J {
    let ty = graph.rel_type(id).map_or("", |t| graph.types().name(t));
    let (s, e) = graph.rel_ends(id).unwrap_or((NodeId(0), NodeId(0)));
    json!({"@rel": {"id": id, "type": ty, "start": s, "end": e, "properties": props_json(graph, &graph.rel_props(id))}})
}

/// A value in the contract's JSON encoding.
pub fn to_json(graph: &Graph, v: &Value) -> J {
    match v {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => float_json(*f),
        Value::String(s) => J::String(s.to_string()),
        Value::List(xs) => J::Array(xs.iter().map(|x| to_json(graph, x)).collect()),
        Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), to_json(graph, v))).collect()),
        Value::Node(id) => node_json(graph, *id),
        Value::Rel(id) => rel_json(graph, *id),
        Value::Path(p) => {
            let mut items = vec![node_json(graph, p.nodes[0])];
            for (r, n) in p.rels.iter().zip(&p.nodes[1..]) {
                items.push(rel_json(graph, *r));
                items.push(node_json(graph, *n));
            }
            json!({ "@path": items })
        }
        Value::Date(d) => json!({"@date": d.to_string()}),
        Value::LocalTime(_) | Value::Time(_) | Value::LocalDateTime(_) | Value::DateTime(_) | Value::Duration(_) => {
            crate::value::temporal::to_json(v).unwrap_or(J::Null)
        }
    }
}

/// Reads a value from JSON (parameters, the project's graph files). Tagged objects become
/// dates and special floats; entities cannot be read back this way.
pub fn from_json(j: &J) -> Result<Value, String> {
    Ok(match j {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) if !n.to_string().contains(['.', 'e', 'E']) => Value::Int(i),
            _ => Value::Float(n.as_f64().ok_or_else(|| format!("number {n} is out of range"))?),
        },
        J::String(s) => Value::str(s),
        J::Array(xs) => Value::List(xs.iter().map(from_json).collect::<Result<_, _>>()?),
        J::Object(m) => {
            if m.len() == 1 {
                if let Some(J::String(s)) = m.get("@date") {
                    return crate::value::Date::parse(s).map(Value::Date).ok_or_else(|| format!("bad date `{s}`"));
                }
                if let Some((tag, J::String(s))) = m.iter().next().filter(|(t, _)| t.starts_with('@')) {
                    if let Some(v) = crate::value::temporal::from_tagged(tag, s) {
                        return v;
                    }
                }
                if let Some(J::String(s)) = m.get("@float") {
                    return Ok(Value::Float(match s.as_str() {
                        "NaN" => f64::NAN,
                        "Infinity" => f64::INFINITY,
                        "-Infinity" => f64::NEG_INFINITY,
                        _ => return Err(format!("bad float `{s}`")),
                    }));
                }
            }
            let mut out = indexmap::IndexMap::new();
            for (k, v) in m {
                out.insert(k.clone(), from_json(v)?);
            }
            Value::map(out)
        }
    })
}

/// The jsonl line of a successful statement.
pub fn result_json(graph: &Graph, r: &QueryResult, time_ms: f64) -> J {
    let rows: Vec<J> = r.rows.iter().map(|row| J::Array(row.iter().map(|v| to_json(graph, v)).collect())).collect();
    let mut j = json!({
        "columns": r.columns,
        "rows": rows,
        "stats": stats_json(&r.stats),
        "time_ms": (time_ms * 1000.0).round() / 1000.0,
    });
    // PROFILE: each operator with the rows it made and its own time.
    if let (Some(ops), Some(m)) = (&r.profile, j.as_object_mut()) {
        let ops: Vec<J> = ops
            .iter()
            .map(|op| {
                let cols = crate::exec::PROFILE_COLUMNS.iter().zip(op);
                J::Object(cols.map(|(k, v)| (k.to_string(), to_json(graph, v))).collect())
            })
            .collect();
        m.insert("profile".into(), J::Array(ops));
    }
    j
}

/// What a statement changed, as the contract's `stats` object: a count per kind of change.
pub fn stats_json(s: &Stats) -> J {
    let schema = s.schema_fields().into_iter().filter(|(_, v)| *v > 0);
    J::Object(s.fields().into_iter().chain(schema).map(|(k, v)| (k.to_string(), J::from(v))).collect())
}

// ---- Cypher notation -------------------------------------------------------------------------

fn props_cypher(graph: &Graph, props: &[(crate::store::KeyId, Value)]) -> String {
    if props.is_empty() {
        return String::new();
    }
    let items: Vec<String> =
        props.iter().map(|(k, v)| format!("{}: {}", quote_name(graph.keys().name(*k)), to_cypher(graph, v))).collect();
    format!(" {{{}}}", items.join(", "))
}

fn node_cypher(graph: &Graph, id: NodeId) -> String {
    let labels: String =
        graph.node_labels(id).iter().map(|l| format!(":{}", quote_name(graph.labels().name(*l)))).collect();
    let props = props_cypher(graph, &graph.node_props(id));
    let inner = format!("{labels}{props}");
    format!("({})", inner.trim_start())
}

fn rel_cypher(graph: &Graph, id: RelId) -> String {
    let ty = graph.rel_type(id).map_or(String::new(), |t| quote_name(graph.types().name(t)));
    format!("[:{ty}{}]", props_cypher(graph, &graph.rel_props(id)))
}

/// A value in Cypher's own notation, as `cypher-shell` prints it.
pub fn to_cypher(graph: &Graph, v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format_float(*f),
        Value::String(s) => quote_string(s),
        Value::List(xs) => format!("[{}]", xs.iter().map(|x| to_cypher(graph, x)).collect::<Vec<_>>().join(", ")),
        Value::Map(m) => format!(
            "{{{}}}",
            m.iter().map(|(k, v)| format!("{}: {}", quote_name(k), to_cypher(graph, v))).collect::<Vec<_>>().join(", ")
        ),
        Value::Node(id) => node_cypher(graph, *id),
        Value::Rel(id) => rel_cypher(graph, *id),
        Value::Path(p) => {
            let mut s = node_cypher(graph, p.nodes[0]);
            for (i, r) in p.rels.iter().enumerate() {
                let forward = graph.rel_ends(*r).is_none_or(|(a, _)| a == p.nodes[i]);
                let rs = rel_cypher(graph, *r);
                if forward {
                    s.push_str(&format!("-{rs}->"));
                } else {
                    s.push_str(&format!("<-{rs}-"));
                }
                s.push_str(&node_cypher(graph, p.nodes[i + 1]));
            }
            format!("<{s}>")
        }
        Value::Date(d) => format!("date('{d}')"),
        Value::LocalTime(_) | Value::Time(_) | Value::LocalDateTime(_) | Value::DateTime(_) | Value::Duration(_) => {
            crate::value::temporal::cypher_literal(v).unwrap_or_default()
        }
    }
}

/// Cuts a text to `max` screen columns with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    table::cut(s, max)
}

/// An aligned table with a border, values in Cypher notation, nothing cut; the last line
/// counts the rows (the layouts that fit a terminal are [`table::render`]'s).
pub fn table(graph: &Graph, r: &QueryResult) -> String {
    let t = table::render(graph, r, table::Layout::Cut, None);
    format!("{}{}", t.body, t.footer)
}

/// RFC 4180 CSV with a header row; each value as data a CSV reader (pandas, a spreadsheet)
/// takes as it is: see [`csv_cell`].
pub fn csv(graph: &Graph, r: &QueryResult) -> String {
    let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(Vec::new());
    let _ = w.write_record(&r.columns);
    for row in &r.rows {
        let rec: Vec<String> = row.iter().map(|v| csv_cell(graph, v)).collect();
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// One CSV cell: null empty, strings bare, numbers and booleans as written, dates and times in
/// ISO 8601 (`2025-01-02`, durations `P1D`), lists, maps, nodes, relationships and paths as
/// JSON ([`plain_json`]); never Cypher notation such as `date('2025-01-02')`.
pub fn csv_cell(graph: &Graph, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.to_string(),
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => to_cypher(graph, v),
        Value::List(_) | Value::Map(_) | Value::Node(_) | Value::Rel(_) | Value::Path(_) => {
            plain_json(graph, v).to_string()
        }
        other => crate::value::temporal::kind_and_text(other).map_or_else(|| to_cypher(graph, other), |(_, t)| t),
    }
}

/// A value as plain JSON for other tools: temporal values as ISO text, special floats as
/// `"NaN"`/`"Infinity"`, a node as `{"id", "labels", "properties"}`, a relationship as `{"id",
/// "type", "start", "end", "properties"}`, a path as the list of its nodes and relationships.
pub fn plain_json(graph: &Graph, v: &Value) -> J {
    let props = |ps: &[(crate::store::KeyId, Value)]| -> J {
        J::Object(ps.iter().map(|(k, v)| (graph.keys().name(*k).to_string(), plain_json(graph, v))).collect())
    };
    let node = |id: NodeId| {
        let labels: Vec<&str> = graph.node_labels(id).iter().map(|l| graph.labels().name(*l)).collect();
        json!({"id": id, "labels": labels, "properties": props(&graph.node_props(id))})
    };
    let rel = |id: RelId| {
        let ty = graph.rel_type(id).map_or("", |t| graph.types().name(t));
        let (s, e) = graph.rel_ends(id).unwrap_or((NodeId(0), NodeId(0)));
        json!({"id": id, "type": ty, "start": s, "end": e, "properties": props(&graph.rel_props(id))})
    };
    match v {
        Value::Float(f) if !f.is_finite() => J::String(to_cypher(graph, v)),
        Value::List(xs) => J::Array(xs.iter().map(|x| plain_json(graph, x)).collect()),
        Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), plain_json(graph, v))).collect()),
        Value::Node(id) => node(*id),
        Value::Rel(id) => rel(*id),
        Value::Path(p) => {
            let mut items = vec![node(p.nodes[0])];
            for (r, n) in p.rels.iter().zip(&p.nodes[1..]) {
                items.push(rel(*r));
                items.push(node(*n));
            }
            J::Array(items)
        }
        other => match crate::value::temporal::kind_and_text(other) {
            Some((_, t)) => J::String(t),
            None => to_json(graph, other),
        },
    }
}
