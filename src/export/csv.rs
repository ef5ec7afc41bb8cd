//! CSV in the neo4j-admin import convention, and its reader.
//!
//! An export is a directory with two files: `nodes.csv` (`id:ID`, `:LABEL`, then one typed
//! column per property key) and `relationships.csv` (`:START_ID`, `:END_ID`, `:TYPE`, then the
//! properties). Column types: `boolean`, `int` (or `long` when a value needs 64 bits),
//! `float` (or `double` when a value needs 64 bits), `string`, `date`, and arrays of those
//! (`string[]`, elements separated by `;`). Lists of mixed or nested values and maps are
//! written as JSON text in a `string` column. A key whose values have several types gets one
//! column per type. Labels are separated by `;`. The files are plain CSV that any reader takes
//! (pandas, `csv.DictReader`, `neo4j-admin database import`); the provenance (query, parameters,
//! graph hash) is in a third file, `provenance.json`, with the SHA-256 of each CSV file, which
//! silkgraph's reader (`crate::io::import_dir`, what `--graph DIR` opens) checks so that files of
//! two exports are never read as one graph.

use std::collections::HashMap;

use super::{label_names, type_name, Export};
use crate::store::{Graph, KeyId};
use crate::value::Value;

/// The name of the nodes file in a CSV export's directory.
pub const NODES_FILE: &str = "nodes.csv";
/// The name of the relationships file in a CSV export's directory.
pub const RELS_FILE: &str = "relationships.csv";
/// The name of the provenance file in a CSV export's directory.
pub const PROVENANCE_FILE: &str = "provenance.json";

/// The base type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Base {
    Bool,
    Int,
    Float,
    Str,
    Date,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Kind {
    base: Base,
    array: bool,
}

fn scalar_base(v: &Value) -> Option<Base> {
    Some(match v {
        Value::Bool(_) => Base::Bool,
        Value::Int(_) => Base::Int,
        Value::Float(_) => Base::Float,
        Value::String(_) => Base::Str,
        Value::Date(_) => Base::Date,
        _ => return None,
    })
}

fn kind_of(v: &Value) -> Option<Kind> {
    match v {
        Value::Null => None,
        Value::List(xs) => {
            let first = xs.first().and_then(scalar_base).unwrap_or(Base::Str);
            if xs.iter().all(|x| scalar_base(x) == Some(first)) {
                Some(Kind { base: first, array: true })
            } else {
                Some(Kind { base: Base::Json, array: false })
            }
        }
        other => Some(Kind { base: scalar_base(other).unwrap_or(Base::Json), array: false }),
    }
}

/// A column: key, kind, and whether every value fits the narrow type (`int`, `float`).
struct Column {
    key: String,
    kind: Kind,
    narrow: bool,
}

fn fits_narrow(v: &Value) -> bool {
    match v {
        Value::Int(i) => i32::try_from(*i).is_ok(),
        Value::Float(f) => !f.is_finite() || (*f as f32) as f64 == *f,
        Value::List(xs) => xs.iter().all(fits_narrow),
        _ => true,
    }
}

fn columns(g: &Graph, all: impl Iterator<Item = Vec<(KeyId, Value)>>) -> Vec<Column> {
    let mut cols: Vec<Column> = Vec::new();
    let mut at: HashMap<(KeyId, Kind), usize> = HashMap::new();
    for props in all {
        for (k, v) in &props {
            let Some(kind) = kind_of(v) else { continue };
            let i = *at.entry((*k, kind)).or_insert_with(|| {
                cols.push(Column { key: g.keys().name(*k).to_string(), kind, narrow: true });
                cols.len() - 1
            });
            cols[i].narrow &= fits_narrow(v);
        }
    }
    cols
}

fn header(c: &Column) -> String {
    let base = match (c.kind.base, c.narrow) {
        (Base::Bool, _) => "boolean",
        (Base::Int, true) => "int",
        (Base::Int, false) => "long",
        (Base::Float, true) => "float",
        (Base::Float, false) => "double",
        (Base::Str | Base::Json, _) => "string",
        (Base::Date, _) => "date",
    };
    format!("{}:{base}{}", c.key, if c.kind.array { "[]" } else { "" })
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Float(f) if f.is_nan() => "NaN".into(),
        Value::Float(f) if f.is_infinite() => if *f > 0.0 { "Infinity" } else { "-Infinity" }.into(),
        Value::Float(f) => crate::value::format_float(*f),
        Value::String(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Date(d) => d.to_string(),
        _ => String::new(),
    }
}

/// The cells of one record's properties. A value whose cell is empty (`''`, `[]`, `['']`)
/// would read back as no value: it goes to `empties` as (column, value), for the provenance
/// file, at `offset` past the id and label or type columns.
fn cells(g: &Graph, cols: &[Column], props: &[(KeyId, Value)], offset: usize, empties: &mut Vec<Empty>) -> Vec<String> {
    let mut row = vec![String::new(); cols.len()];
    for (k, v) in props {
        let Some(kind) = kind_of(v) else { continue };
        let name = g.keys().name(*k);
        let Some(i) = cols.iter().position(|c| c.key == name && c.kind == kind) else { continue };
        row[i] = match (kind.base, v) {
            (Base::Json, v) => crate::output::to_json(g, v).to_string(),
            (_, Value::List(xs)) => xs.iter().map(scalar_text).collect::<Vec<_>>().join(";"),
            (_, v) => scalar_text(v),
        };
        if row[i].is_empty() {
            empties.push((offset + i, crate::output::to_json(g, v)));
        }
    }
    row
}

/// A property whose cell is empty though it has a value: its column and its value as JSON.
type Empty = (usize, serde_json::Value);

/// The provenance file's record of such values: `[[record, column, value], ...]` (both
/// 0-based, the header not counted).
fn empties_json(records: &[Vec<Empty>]) -> serde_json::Value {
    let all = records.iter().enumerate().flat_map(|(r, es)| es.iter().map(move |(c, v)| serde_json::json!([r, c, v])));
    serde_json::Value::Array(all.collect())
}

/// The key in `provenance.json` that lists the values of empty cells, by file.
pub const EMPTY_CELLS: &str = "empty_cells";

fn to_csv(header: Vec<String>, rows: Vec<Vec<String>>) -> String {
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(&header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// What the neo4j-admin form cannot hold without changing it: a label, or an element of a
/// list of strings, with the `;` that separates them in a cell.
fn unwritable(ex: &Export) -> Option<String> {
    let g = ex.graph;
    let split = |v: &Value| match v {
        Value::List(xs) => xs.iter().any(|x| matches!(x, Value::String(s) if s.contains(';'))),
        _ => false,
    };
    let prop = |props: Vec<(KeyId, Value)>| {
        props.into_iter().find(|(_, v)| split(v)).map(|(k, _)| g.keys().name(k).to_string())
    };
    for &n in &ex.sub.nodes {
        if let Some(l) = label_names(g, n).into_iter().find(|l| l.contains(';')) {
            return Some(format!("node {n} has the label `{l}`, and `;` separates labels in a CSV cell"));
        }
        if let Some(k) = prop(g.node_props(n)) {
            return Some(format!(
                "node {n}'s list `{k}` has a string with `;`, which separates list elements in a CSV cell"
            ));
        }
    }
    for &r in &ex.sub.rels {
        if let Some(k) = prop(g.rel_props(r)) {
            return Some(format!(
                "relationship {r}'s list `{k}` has a string with `;`, which separates list elements in a CSV cell"
            ));
        }
    }
    None
}

/// The SHA-256 of a file's bytes, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Renders `nodes.csv`, `relationships.csv` and `provenance.json`, in that order (the order they
/// are written in); an error names what the form cannot hold.
pub fn render(ex: &Export) -> Result<[(&'static str, String); 3], String> {
    if let Some(why) = unwritable(ex) {
        return Err(format!("the CSV export would change the graph: {why}; export it as json, graphml or cypher"));
    }
    let g = ex.graph;
    let ncols = columns(g, ex.sub.nodes.iter().map(|&n| g.node_props(n)));
    let id_head = if ncols.iter().any(|c| c.key == "id") { ":ID" } else { "id:ID" };
    let mut head = vec![id_head.to_string(), ":LABEL".to_string()];
    head.extend(ncols.iter().map(header));
    let mut node_empties = Vec::new();
    let rows = ex
        .sub
        .nodes
        .iter()
        .map(|&n| {
            let mut r = vec![n.to_string(), label_names(g, n).join(";")];
            let mut empties = Vec::new();
            r.extend(cells(g, &ncols, &g.node_props(n), 2, &mut empties));
            node_empties.push(empties);
            r
        })
        .collect();
    let nodes = to_csv(head, rows);
    let rcols = columns(g, ex.sub.rels.iter().map(|&r| g.rel_props(r)));
    let mut head = vec![":START_ID".to_string(), ":END_ID".to_string(), ":TYPE".to_string()];
    head.extend(rcols.iter().map(header));
    let mut rel_empties = Vec::new();
    let rows = ex
        .sub
        .rels
        .iter()
        .filter_map(|&r| {
            let (a, b) = g.rel_ends(r)?;
            let mut row = vec![a.to_string(), b.to_string(), type_name(g, r).to_string()];
            let mut empties = Vec::new();
            row.extend(cells(g, &rcols, &g.rel_props(r), 3, &mut empties));
            rel_empties.push(empties);
            Some(row)
        })
        .collect();
    let rels = to_csv(head, rows);
    let mut prov = ex.prov.to_json();
    if let Some(m) = prov.as_object_mut() {
        let files = serde_json::json!({ NODES_FILE: sha256(nodes.as_bytes()), RELS_FILE: sha256(rels.as_bytes()) });
        m.insert("files".into(), files);
        if node_empties.iter().chain(&rel_empties).any(|e| !e.is_empty()) {
            let empties =
                serde_json::json!({ NODES_FILE: empties_json(&node_empties), RELS_FILE: empties_json(&rel_empties) });
            m.insert(EMPTY_CELLS.into(), empties);
        }
    }
    let prov = serde_json::to_string_pretty(&prov).unwrap_or_default() + "\n";
    Ok([(NODES_FILE, nodes), (RELS_FILE, rels), (PROVENANCE_FILE, prov)])
}

// ---- reading -----------------------------------------------------------------------------------
