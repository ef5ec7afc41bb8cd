//! CSV in the neo4j-admin import convention, and its reader.
//!
//! An export is a directory with two files: `nodes.csv` (`id:ID`, `:LABEL`, then one typed
//! column per property key) and `relationships.csv` (`:START_ID`, `:END_ID`, `:TYPE`, then the
//! properties). Column types: `boolean`, `int` (or `long` when a value needs 64 bits),
//! `float` (or `double` when a value needs 64 bits), `string`, `date`, and arrays of those
//! (`string[]`, elements separated by `;`). Lists of mixed or nested values and maps are
//! written as JSON text in a `string` column. A key whose values have several types gets one
//! column per type. Labels are separated by `;`. The first line of each file is a `#` comment
//! with the provenance: the reader here skips it; for `neo4j-admin database import`, drop it
//! first (`tail -n +2`).
//!
//! The reader ([`import_dir`], [`import_files`]) takes any files in this convention, with the
//! header fields and cells read by [`crate::import::header`] exactly as `silkgraph import` reads
//! them (an unknown column type is an error); the id itself is not stored as a property. Empty
//! cells are absent properties.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{label_names, type_name, Export};
use crate::import::header::{column_value, parse_field, Field};
use crate::store::{Graph, Sym};
use crate::value::Value;

/// The name of the nodes file in a CSV export's directory.
pub const NODES_FILE: &str = "nodes.csv";
/// The name of the relationships file in a CSV export's directory.
pub const RELS_FILE: &str = "relationships.csv";

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

fn columns(g: &Graph, all: impl Iterator<Item = Vec<(Sym, Value)>>) -> Vec<Column> {
    let mut cols: Vec<Column> = Vec::new();
    let mut at: HashMap<(Sym, Kind), usize> = HashMap::new();
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

fn cells(g: &Graph, cols: &[Column], props: &[(Sym, Value)]) -> Vec<String> {
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
    }
    row
}

fn to_csv(comment: &str, header: Vec<String>, rows: Vec<Vec<String>>) -> String {
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(&header);
    for r in rows {
        let _ = w.write_record(&r);
    }
    let body = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    format!("# {comment}\n{body}")
}

/// Renders `(nodes.csv, relationships.csv)`.
pub fn render(ex: &Export) -> (String, String) {
    let g = ex.graph;
    let comment = ex.prov.one_line();
    let ncols = columns(g, ex.sub.nodes.iter().map(|&n| g.node_props(n)));
    let id_head = if ncols.iter().any(|c| c.key == "id") { ":ID" } else { "id:ID" };
    let mut head = vec![id_head.to_string(), ":LABEL".to_string()];
    head.extend(ncols.iter().map(header));
    let rows = ex
        .sub
        .nodes
        .iter()
        .map(|&n| {
            let mut r = vec![n.to_string(), label_names(g, n).join(";")];
            r.extend(cells(g, &ncols, &g.node_props(n)));
            r
        })
        .collect();
    let nodes = to_csv(&comment, head, rows);
    let rcols = columns(g, ex.sub.rels.iter().map(|&r| g.rel_props(r)));
    let mut head = vec![":START_ID".to_string(), ":END_ID".to_string(), ":TYPE".to_string()];
    head.extend(rcols.iter().map(header));
    let rows = ex
        .sub
        .rels
        .iter()
        .filter_map(|&r| {
            let (a, b) = g.rel_ends(r)?;
            let mut row = vec![a.to_string(), b.to_string(), type_name(g, r).to_string()];
            row.extend(cells(g, &rcols, &g.rel_props(r)));
            Some(row)
        })
        .collect();
    (nodes, to_csv(&comment, head, rows))
}

// ---- reading -----------------------------------------------------------------------------------

/// A CSV file's header and its records, each with its 1-based line number.
type Records = (Vec<String>, Vec<(usize, Vec<String>)>);

/// A CSV file's records after its leading `#` comment lines.
fn read_records(path: &Path) -> Result<Records, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut skipped = 0;
    let mut body = text;
    while body.starts_with('#') {
        body = body.split_once('\n').map_or("", |(_, rest)| rest);
        skipped += 1;
    }
    let mut r = ::csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(body.as_bytes());
    let header: Vec<String> =
        r.headers().map_err(|e| format!("{}: {e}", path.display()))?.iter().map(|s| s.to_string()).collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        let line = rec.position().map_or(0, |p| p.line() as usize + skipped);
        rows.push((line, rec.iter().map(|s| s.to_string()).collect()));
    }
    Ok((header, rows))
}

/// A file's header fields; an error names the file and the field.
fn fields_of(path: &Path, header: &[String]) -> Result<Vec<Field>, String> {
    let field = |(i, h): (usize, &String)| {
        parse_field(h).map_err(|m| format!("{}:1: field {} (`{h}`): {m}", path.display(), i + 1))
    };
    header.iter().enumerate().map(field).collect()
}

fn props_of(fields: &[Field], rec: &[String]) -> Result<Vec<(String, Value)>, String> {
    let mut out = Vec::new();
    for (f, cell) in fields.iter().zip(rec) {
        let Field::Prop { name: key, ty, array } = f else { continue };
        if cell.is_empty() {
            continue;
        }
        out.push((key.clone(), column_value(cell, *ty, *array)?));
    }
    Ok(out)
}

/// Reads neo4j-admin CSV files into a new graph.
pub fn import_files(nodes: &[PathBuf], rels: &[PathBuf]) -> Result<Graph, String> {
    let mut g = Graph::new();
    let mut ids: HashMap<(String, String), u64> = HashMap::new();
    for path in nodes {
        let (header, rows) = read_records(path)?;
        let fields = fields_of(path, &header)?;
        let id_at = fields.iter().position(|f| matches!(f, Field::Id { .. }));
        for (line, rec) in rows {
            let at = |e: String| format!("{}:{line}: {e}", path.display());
            let labels: Vec<&str> = fields
                .iter()
                .zip(&rec)
                .filter(|(f, _)| **f == Field::Label)
                .flat_map(|(_, c)| c.split(';'))
                .filter(|l| !l.is_empty())
                .collect();
            let props = props_of(&fields, &rec).map_err(at)?;
            let n = g.create_node(labels, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
            if let Some(i) = id_at {
                let Field::Id { space, .. } = &fields[i] else { continue };
                let id = rec.get(i).cloned().unwrap_or_default();
                if ids.insert((space.clone(), id.clone()), n).is_some() {
                    return Err(at(format!("duplicate node id `{id}`")));
                }
            }
        }
    }
    for path in rels {
        let (header, rows) = read_records(path)?;
        let fields = fields_of(path, &header)?;
        let find =
            |want: fn(&Field) -> Option<&String>| fields.iter().enumerate().find_map(|(i, f)| Some((i, want(f)?)));
        let start = find(|f| if let Field::Start(s) = f { Some(s) } else { None });
        let end = find(|f| if let Field::End(s) = f { Some(s) } else { None });
        let (Some((si, ss)), Some((ei, es))) = (start, end) else {
            return Err(format!("{}: needs :START_ID and :END_ID columns", path.display()));
        };
        let ti = fields.iter().position(|f| *f == Field::Type);
        for (line, rec) in rows {
            let at = |e: String| format!("{}:{line}: {e}", path.display());
            let node = |i: usize, space: &String| -> Result<u64, String> {
                let id = rec.get(i).cloned().unwrap_or_default();
                ids.get(&(space.clone(), id.clone())).copied().ok_or_else(|| at(format!("no node has id `{id}`")))
            };
            let (a, b) = (node(si, ss)?, node(ei, es)?);
            let ty = ti.and_then(|i| rec.get(i)).filter(|t| !t.is_empty()).ok_or_else(|| at("no :TYPE".into()))?;
            let props = props_of(&fields, &rec).map_err(at)?;
            g.create_rel(a, b, ty, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
        }
    }
    Ok(g)
}

/// Reads a CSV export directory: its `nodes*.csv` files, then its `relationships*.csv` files.
pub fn import_dir(dir: &Path) -> Result<Graph, String> {
    let mut nodes = Vec::new();
    let mut rels = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut seen = HashSet::new();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !name.to_ascii_lowercase().ends_with(".csv") || !seen.insert(name.clone()) {
            continue;
        }
        if name.starts_with("nodes") {
            nodes.push(e.path());
        } else if name.starts_with("relationships") {
            rels.push(e.path());
        }
    }
    if nodes.is_empty() {
        return Err(format!("no nodes*.csv in {}", dir.display()));
    }
    nodes.sort();
    rels.sort();
    import_files(&nodes, &rels)
}
