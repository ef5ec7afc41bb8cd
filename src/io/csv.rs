//! Reading a directory of CSV files in the neo4j-admin convention (a CSV export, or files made
//! for `neo4j-admin database import`) into a graph in memory, with the header fields and cells
//! read by `crate::import::header` exactly as `silkgraph import` reads them. The id itself is not
//! stored as a property; empty cells are absent properties.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::FileError;
use crate::import::header::{column_value, parse_field, Field};
use crate::store::Graph;
use crate::value::{NodeId, Value};

/// A CSV file's header and its records, each with its 1-based line number.
type Records = (Vec<String>, Vec<(usize, Vec<String>)>);

/// A CSV file's records after its leading `#` comment lines.
fn read_records(path: &Path) -> Result<Records, FileError> {
    let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, "read", &e))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut skipped = 0;
    let mut body = text;
    while body.starts_with('#') {
        body = body.split_once('\n').map_or("", |(_, rest)| rest);
        skipped += 1;
    }
    let mut r = ::csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(body.as_bytes());
    let header: Vec<String> =
        r.headers().map_err(|e| FileError::invalid(path, e.to_string()))?.iter().map(|s| s.to_string()).collect();
    let mut rows = Vec::new();
    let mut last = None;
    for rec in r.records() {
        let rec = rec.map_err(|e| FileError::invalid(path, e.to_string()))?;
        last = rec.position().cloned();
        let line = rec.position().map_or(0, |p| p.line() as usize + skipped);
        // A row of another length is a damaged file (a lost separator, a cut line), not data.
        if rec.len() != header.len() {
            let message = format!("{} fields where the header has {}", rec.len(), header.len());
            return Err(FileError::invalid(path, message).at(line as u64, None));
        }
        rows.push((line, rec.iter().map(|s| s.to_string()).collect()));
    }
    // An unclosed quote takes the rest of the file into the last record's last field.
    if let Some(p) = last {
        let tail = body.as_bytes().get(p.byte() as usize..).unwrap_or_default();
        crate::import::header::check_closed(path, tail, p.line() + skipped as u64)?;
    }
    Ok((header, rows))
}

/// A file's header fields; an error names the file and the field.
fn fields_of(path: &Path, header: &[String]) -> Result<Vec<Field>, FileError> {
    crate::import::header::check_header(header.iter().map(String::as_str))
        .map_err(|m| FileError::invalid(path, m).at(1, None))?;
    let field = |h: &String| parse_field(h).map_err(|m| FileError::invalid(path, m).at(1, None).in_field(h.as_str()));
    header.iter().map(field).collect()
}

/// The values of a file's empty cells that are not absent properties, by record and column
/// (from an export's `provenance.json`).
type Filled = HashMap<(usize, usize), Value>;

/// An error names the column (by its header) whose cell it is.
fn props_of(
    (header, fields): (&[String], &[Field]),
    rec: &[String],
    record: usize,
    filled: &Filled,
) -> Result<Vec<(String, Value)>, FileError> {
    let mut out = Vec::new();
    for (col, (f, cell)) in fields.iter().zip(rec).enumerate() {
        let Field::Prop { name: key, ty, array } = f else { continue };
        if cell.is_empty() {
            if let Some(v) = filled.get(&(record, col)) {
                out.push((key.clone(), v.clone()));
            }
            continue;
        }
        let value = column_value(cell, *ty, *array).map_err(|m| FileError::invalid("", m).in_field(&header[col]))?;
        out.push((key.clone(), value));
    }
    Ok(out)
}

/// Reads neo4j-admin CSV files into a new graph.
pub fn import_files(nodes: &[PathBuf], rels: &[PathBuf]) -> Result<Graph, FileError> {
    import_filled(nodes, rels, &HashMap::new())
}

/// [`import_files`], with the values of empty cells an export listed, by file name.
fn import_filled(nodes: &[PathBuf], rels: &[PathBuf], empties: &HashMap<String, Filled>) -> Result<Graph, FileError> {
    let none = Filled::new();
    let filled =
        |path: &Path| path.file_name().and_then(|n| empties.get(n.to_string_lossy().as_ref())).unwrap_or(&none);
    let mut g = Graph::new();
    let mut ids: HashMap<(String, String), NodeId> = HashMap::new();
    for path in nodes {
        let (header, rows) = read_records(path)?;
        let fields = fields_of(path, &header)?;
        let id_at = fields.iter().position(|f| matches!(f, Field::Id { .. }));
        let filled = filled(path);
        for (record, (line, rec)) in rows.into_iter().enumerate() {
            let at = |e: FileError| e.within(path).at(line as u64, None);
            let bad = |m: String| at(FileError::invalid("", m));
            let labels: Vec<&str> = fields
                .iter()
                .zip(&rec)
                .filter(|(f, _)| **f == Field::Label)
                .flat_map(|(_, c)| c.split(';'))
                .filter(|l| !l.is_empty())
                .collect();
            let props = props_of((&header, &fields), &rec, record, filled).map_err(at)?;
            let n = g.create_node(labels, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
            if let Some(i) = id_at {
                let Field::Id { space, .. } = &fields[i] else { continue };
                let id = rec.get(i).cloned().unwrap_or_default();
                if id.is_empty() {
                    return Err(bad("an empty :ID".into()));
                }
                if ids.insert((space.clone(), id.clone()), n).is_some() {
                    return Err(bad(format!("duplicate node id `{id}`")));
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
            return Err(FileError::invalid(path, "needs :START_ID and :END_ID columns").at(1, None));
        };
        let ti = fields.iter().position(|f| *f == Field::Type);
        let filled = filled(path);
        for (record, (line, rec)) in rows.into_iter().enumerate() {
            let at = |e: FileError| e.within(path).at(line as u64, None);
            let bad = |m: String| at(FileError::invalid("", m));
            let node = |i: usize, space: &String| -> Result<NodeId, FileError> {
                let id = rec.get(i).cloned().unwrap_or_default();
                ids.get(&(space.clone(), id.clone())).copied().ok_or_else(|| bad(format!("no node has id `{id}`")))
            };
            let (a, b) = (node(si, ss)?, node(ei, es)?);
            let ty = ti.and_then(|i| rec.get(i)).filter(|t| !t.is_empty()).ok_or_else(|| bad("no :TYPE".into()))?;
            let props = props_of((&header, &fields), &rec, record, filled).map_err(at)?;
            g.create_rel(a, b, ty, props.iter().map(|(k, v)| (k.as_str(), v.clone())));
        }
    }
    Ok(g)
}

/// Reads a CSV export directory: its `nodes*.csv` files, then its `relationships*.csv` files.
pub fn import_dir(dir: &Path) -> Result<Graph, FileError> {
    let mut nodes = Vec::new();
    let mut rels = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| FileError::io(dir, "read", &e))?;
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
        return Err(FileError::invalid(dir, format!("no nodes*.csv in {}", dir.display())));
    }
    nodes.sort();
    rels.sort();
    same_export(nodes.iter().chain(&rels))?;
    let empties = as_exported(dir)?;
    import_filled(&nodes, &rels, &empties)
}

/// A silkgraph CSV export's `provenance.json` names each file with its SHA-256; a file that
/// differs (a new `nodes.csv` beside an old `relationships.csv`, when an export was cut short,
/// or files mixed from two exports) would make a wrong graph, so it is refused. A directory
/// without the file (written for or by neo4j-admin) is not checked. Returns the values of empty
/// cells the export listed (`''`, `[]`, `['']`, which a cell cannot tell from no value), by file.
fn as_exported(dir: &Path) -> Result<HashMap<String, Filled>, FileError> {
    let path = dir.join(crate::export::csv::PROVENANCE_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(HashMap::new()) };
    let prov: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| FileError::json(&path, "not the JSON of an export", &e))?;
    let Some(files) = prov.get("files").and_then(|f| f.as_object()) else { return Ok(HashMap::new()) };
    for (name, want) in files {
        // Only plain names in this directory.
        if name.contains(['/', '\\']) || name.starts_with('.') {
            continue;
        }
        let file = dir.join(name);
        let bytes = std::fs::read(&file).map_err(|e| FileError::io(&file, "read", &e))?;
        if want.as_str() != Some(crate::export::csv::sha256(&bytes).as_str()) {
            return Err(FileError::invalid(
                &file,
                format!(
                    "{} is not the file {} was written with (its SHA-256 differs): an export was cut short, files \
                 of two exports were mixed, or it was edited; export again, or remove {} to read the files as \
                 they are",
                    file.display(),
                    path.display(),
                    path.display()
                ),
            ));
        }
    }
    let mut out: HashMap<String, Filled> = HashMap::new();
    let listed = prov.get(crate::export::csv::EMPTY_CELLS).and_then(|e| e.as_object());
    for (name, cells) in listed.into_iter().flatten() {
        for cell in cells.as_array().into_iter().flatten() {
            let bad =
                || FileError::invalid(&path, format!("`{name}` has an entry that is not [record, column, value]"));
            let (Some(r), Some(c), Some(v)) = (
                cell.get(0).and_then(|v| v.as_u64()),
                cell.get(1).and_then(|v| v.as_u64()),
                cell.get(2).and_then(empty_value),
            ) else {
                return Err(bad());
            };
            out.entry(name.clone()).or_default().insert((r as usize, c as usize), v);
        }
    }
    Ok(out)
}

/// The value of an empty cell: `""`, `[]` or `[""]` (nothing else is written as one).
fn empty_value(v: &serde_json::Value) -> Option<Value> {
    match v {
        serde_json::Value::String(s) if s.is_empty() => Some(Value::str("")),
        serde_json::Value::Array(xs) if xs.is_empty() => Some(Value::list(Vec::new())),
        serde_json::Value::Array(xs) if xs.len() == 1 && xs[0] == "" => Some(Value::list(vec![Value::str("")])),
        _ => None,
    }
}

/// Older exports: the files of one silkgraph CSV export begin with the same provenance line; files of two
/// exports (a new `nodes.csv` beside an old `relationships.csv`, when an export was cut short
/// between its two files) would make a wrong graph, so they are refused. Files without such a
/// line (written for or by neo4j-admin) are not compared.
fn same_export<'a>(files: impl Iterator<Item = &'a PathBuf>) -> Result<(), FileError> {
    use std::io::{BufRead, Read};
    let mut first: Option<(String, &Path)> = None;
    for path in files {
        let file = std::fs::File::open(path).map_err(|e| FileError::io(path, "read", &e))?;
        let mut line = String::new();
        std::io::BufReader::new(file)
            .take(64 << 10)
            .read_line(&mut line)
            .map_err(|e| FileError::io(path, "read", &e))?;
        let line = line.trim_start_matches('\u{feff}').trim_end().to_string();
        if !line.starts_with("# silkgraph ") {
            continue;
        }
        match &first {
            None => first = Some((line, path)),
            Some((other, at)) if *other != line => {
                return Err(FileError::invalid(
                    path,
                    format!(
                        "{} and {} come from different exports (their first lines differ): an export was cut short \
                         or files were mixed; export again",
                        at.display(),
                        path.display()
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}
