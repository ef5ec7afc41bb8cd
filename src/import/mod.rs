//! `silkgraph import`: bulk loading of CSV files in the neo4j-admin convention into a graph.
//! Node files: `id:ID` (or `:ID`, `id:ID(Space)`), `:LABEL` (`;`-separated), typed columns
//! `name`, `born:int`, `amount_usd:float`, `flag:boolean`, `day:date`, arrays `tags:string[]`
//! (`;`-separated); a `LABEL=` prefix on the file adds a label to every row. Relationship files:
//! `:START_ID`, `:END_ID`, `:TYPE` (or a `TYPE=` prefix) and typed columns. Rows stream from
//! disk; a malformed row stops the import with file, line and field, and nothing is written.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

pub mod header;

use header::{column_value, Field};

use crate::error::FileError;
use crate::store::{Graph, KeyId, LabelId, Props, TypeId};
use crate::value::{NodeId, Value};

/// A column of a file being imported: its field, with property names interned (an id column's
/// name, when it has one, is stored as a property).
type Col = Field<KeyId>;

/// The node ids of one id space. Ids written as canonical integers (most files) are kept as
/// numbers, so a lookup neither hashes nor compares text; any other id by its text. `7` and
/// `007` stay different ids: only the canonical form goes to the numbers.
#[derive(Default)]
struct Space {
    ints: HashMap<u64, u64, ahash::RandomState>,
    /// `ints` as a table indexed by the id (`u64::MAX`: none), when the ids are dense enough:
    /// a lookup is then one read.
    dense: Vec<u64>,
    texts: HashMap<Box<str>, u64, ahash::RandomState>,
}

fn canonical_int(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    let canonical =
        !b.is_empty() && b.len() <= 19 && (b.len() == 1 || b[0] != b'0') && b.iter().all(u8::is_ascii_digit);
    canonical.then(|| s.parse().ok()).flatten()
}

impl Space {
    /// Records an id; false if it was taken.
    fn insert(&mut self, id: &str, node: u64) -> bool {
        match canonical_int(id) {
            Some(i) => self.ints.insert(i, node).is_none(),
            None => self.texts.insert(id.into(), node).is_none(),
        }
    }

    fn get(&self, id: &str) -> Option<u64> {
        match canonical_int(id) {
            Some(i) if !self.dense.is_empty() => self.dense.get(i as usize).copied().filter(|&n| n != u64::MAX),
            Some(i) => self.ints.get(&i).copied(),
            None => self.texts.get(id).copied(),
        }
    }

    /// Turns the integer ids into a table if it would be at most twice their number (plus a
    /// million) entries: the node files are read, lookups are all that is left.
    fn freeze(&mut self) {
        let Some(&max) = self.ints.keys().max() else { return };
        if max as usize <= 2 * self.ints.len() + (1 << 20) {
            self.dense = vec![u64::MAX; max as usize + 1];
            for (&i, &n) in &self.ints {
                self.dense[i as usize] = n;
            }
            self.ints = HashMap::default();
        }
    }
}

/// A relationship row, parsed off the thread that builds the graph.
struct RelRow {
    start: NodeId,
    end: NodeId,
    /// The type from a `:TYPE` column (interned by the builder), else the file's.
    ty: Option<Box<str>>,
    /// Its properties: this range of the batch's `props`.
    props: std::ops::Range<usize>,
}

/// Parsed rows and, in one vector, their properties.
#[derive(Default)]
struct Batch {
    rows: Vec<RelRow>,
    props: Props,
}

/// Rows go to the builder in batches of this many.
const BATCH: usize = 16_384;

/// What an import read.
#[derive(Debug, Default)]
pub struct Summary {
    /// How many nodes were created.
    pub nodes: u64,
    /// How many relationships were created.
    pub relationships: u64,
    /// How long the import took, in seconds.
    pub seconds: f64,
}

/// `LABEL=path` or `path`.
pub fn split_spec(spec: &str) -> (Option<String>, PathBuf) {
    match spec.split_once('=') {
        Some((name, path)) if !name.is_empty() && !name.contains(['/', '\\']) => {
            (Some(name.to_string()), PathBuf::from(path))
        }
        _ => (None, PathBuf::from(spec)),
    }
}

fn parse_header(g: &mut Graph, h: &str, file: &Path) -> Result<Col, FileError> {
    let f = header::parse_field(h).map_err(|m| FileError::invalid(file, m).at(1, None).in_field(h))?;
    Ok(f.map_names(|n| g.intern_key(n)))
}

struct Progress {
    on: bool,
    start: Instant,
    last: Instant,
}

impl Progress {
    fn tick(&mut self, s: &Summary) {
        if self.on && self.last.elapsed().as_millis() >= 200 {
            self.last = Instant::now();
            eprint!(
                "\r  {} nodes, {} relationships ({:.1} s)   ",
                s.nodes,
                s.relationships,
                self.start.elapsed().as_secs_f64()
            );
        }
    }
}

fn open(path: &Path) -> Result<csv::Reader<std::fs::File>, FileError> {
    csv::ReaderBuilder::new().has_headers(true).flexible(false).from_path(path).map_err(|e| match e.kind() {
        csv::ErrorKind::Io(io) => FileError::io(path, "read", io),
        _ => csv_err(path, e),
    })
}

/// An error if the file's last record (starting at `last`, a record's position) opens a quote
/// that is never closed: the reader would have taken the rest of the file into that field.
fn check_closed(path: &Path, last: Option<csv::Position>) -> Result<(), FileError> {
    let Some(p) = last else { return Ok(()) };
    let mut tail = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| {
            use std::io::{Read, Seek};
            f.seek(std::io::SeekFrom::Start(p.byte()))?;
            f.read_to_end(&mut tail)
        })
        .map_err(|e| FileError::io(path, "read", &e))?;
    header::check_closed(path, &tail, p.line())
}

fn csv_err(path: &Path, e: csv::Error) -> FileError {
    match e.position() {
        Some(p) => FileError::invalid(path, e.to_string()).at(p.line(), None),
        None => FileError::invalid(path, e.to_string()),
    }
}

/// A relationship file being read: its columns and the id spaces of its two ends.
#[derive(Clone, Copy)]
struct RelFile<'a> {
    path: &'a Path,
    header: &'a csv::StringRecord,
    cols: &'a [Col],
    si: usize,
    ei: usize,
    ti: Option<usize>,
    /// The file name gives a type (`TYPE=file.csv`).
    fixed: bool,
    starts: Option<&'a Space>,
    ends: Option<&'a Space>,
}

impl RelFile<'_> {
    /// Parses every row into batches for `tx`; stops at the first bad row (sent as the
    /// error) or when the receiver has gone.
    fn parse(self, mut rdr: csv::Reader<std::fs::File>, tx: mpsc::SyncSender<Result<Batch, FileError>>) {
        let mut rec = csv::StringRecord::new();
        let mut batch = Batch::default();
        let mut last = None;
        loop {
            let row = match rdr.read_record(&mut rec) {
                Ok(false) => match check_closed(self.path, last.take()) {
                    Ok(()) => break,
                    Err(e) => Err(e),
                },
                Ok(true) => {
                    last = rec.position().cloned();
                    self.row(&rec, &mut batch.props)
                }
                Err(e) => Err(csv_err(self.path, e)),
            };
            match row {
                Ok(r) => batch.rows.push(r),
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
            if batch.rows.len() == BATCH && tx.send(Ok(std::mem::take(&mut batch))).is_err() {
                return;
            }
        }
        let _ = tx.send(Ok(batch));
    }

    /// One row; its properties are appended to `props`.
    fn row(&self, rec: &csv::StringRecord, props: &mut Props) -> Result<RelRow, FileError> {
        let line = rec.position().map_or(0, |p| p.line());
        let at = |i: usize, m: String| FileError::invalid(self.path, m).at(line, None).in_field(&self.header[i]);
        let node = |i: usize, space: Option<&Space>| {
            space.and_then(|s| s.get(&rec[i])).ok_or_else(|| at(i, format!("no node has id `{}`", &rec[i])))
        };
        let (start, end) = (node(self.si, self.starts)?, node(self.ei, self.ends)?);
        let ty = match self.ti {
            Some(i) if !rec[i].is_empty() => Some(Box::from(&rec[i])),
            Some(i) if !self.fixed => return Err(at(i, "the relationship type is empty".into())),
            _ => None,
        };
        let first = props.len();
        for (i, (c, cell)) in self.cols.iter().zip(rec.iter()).enumerate() {
            if let Col::Prop { name: key, ty, array } = c {
                if cell.is_empty() {
                    continue;
                }
                props.push((*key, column_value(cell, *ty, *array).map_err(|m| at(i, m))?));
            } else if matches!(c, Col::Label | Col::Id { .. }) {
                return Err(at(
                    i,
                    "a node column, in a file of relationships (node columns belong in a file of nodes)".into(),
                ));
            }
        }
        Ok(RelRow { start: NodeId(start), end: NodeId(end), ty, props: first..props.len() })
    }
}

/// Imports node files, then relationship files, into a new graph.
pub fn import(nodes: &[String], rels: &[String]) -> Result<(Graph, Summary), FileError> {
    let mut g = Graph::new();
    let mut sum = Summary::default();
    let mut ids: HashMap<String, Space> = HashMap::new();
    let mut progress = Progress { on: std::io::stderr().is_terminal(), start: Instant::now(), last: Instant::now() };
    for spec in nodes {
        let (label, path) = split_spec(spec);
        let extra: Option<LabelId> = label.as_deref().map(|l| g.label_sym(l));
        let mut rdr = open(&path)?;
        let header = rdr.headers().map_err(|e| csv_err(&path, e))?.clone();
        header::check_header(header.iter()).map_err(|m| FileError::invalid(&path, m).at(1, None))?;
        let cols: Vec<Col> = header.iter().map(|h| parse_header(&mut g, h, &path)).collect::<Result<_, _>>()?;
        let mut rec = csv::StringRecord::new();
        let mut last = None;
        loop {
            match rdr.read_record(&mut rec) {
                Ok(false) => {
                    check_closed(&path, last)?;
                    break;
                }
                Ok(true) => last = rec.position().cloned(),
                Err(e) => return Err(csv_err(&path, e)),
            }
            let line = rec.position().map_or(0, |p| p.line());
            let at = |i: usize, m: String| FileError::invalid(&path, m).at(line, None).in_field(&header[i]);
            let mut labels: Vec<LabelId> = extra.into_iter().collect();
            let mut props = Props::new();
            let mut id: Option<(&str, &str)> = None;
            for (i, (c, cell)) in cols.iter().zip(rec.iter()).enumerate() {
                match c {
                    Col::Id { name: key, space } => {
                        if cell.is_empty() {
                            return Err(at(i, "the node id is empty".into()));
                        }
                        id = Some((space.as_str(), cell));
                        if let Some(k) = key {
                            props.push((*k, Value::str(cell)));
                        }
                    }
                    Col::Label => {
                        for l in cell.split(';').filter(|l| !l.is_empty()) {
                            let s = g.label_sym(l);
                            if !labels.contains(&s) {
                                labels.push(s);
                            }
                        }
                    }
                    Col::Prop { name: key, ty, array } if !cell.is_empty() => {
                        props.push((*key, column_value(cell, *ty, *array).map_err(|m| at(i, m))?));
                    }
                    Col::Start(_) | Col::End(_) | Col::Type => {
                        return Err(at(
                            i,
                            "a relationship column, in a file of nodes (relationship columns belong in a file of \
                             relationships)"
                                .into(),
                        ))
                    }
                    _ => {}
                }
            }
            let n = g.add_node_syms(&labels, &props);
            if let Some((space, cell)) = id {
                if !ids.entry(space.to_string()).or_default().insert(cell, n.0) {
                    return Err(FileError::invalid(&path, format!("duplicate node id `{cell}`")).at(line, None));
                }
            }
            sum.nodes += 1;
            progress.tick(&sum);
        }
    }
    ids.values_mut().for_each(Space::freeze);
    for spec in rels {
        let (ty_name, path) = split_spec(spec);
        let fixed_ty: Option<TypeId> = ty_name.as_deref().map(|t| g.type_sym(t));
        let mut rdr = open(&path)?;
        let header = rdr.headers().map_err(|e| csv_err(&path, e))?.clone();
        header::check_header(header.iter()).map_err(|m| FileError::invalid(&path, m).at(1, None))?;
        let cols: Vec<Col> = header.iter().map(|h| parse_header(&mut g, h, &path)).collect::<Result<_, _>>()?;
        let start = cols.iter().position(|c| matches!(c, Col::Start(_)));
        let end = cols.iter().position(|c| matches!(c, Col::End(_)));
        let (Some(si), Some(ei)) = (start, end) else {
            return Err(
                FileError::invalid(&path, "a relationships file needs :START_ID and :END_ID columns").at(1, None)
            );
        };
        let ti = cols.iter().position(|c| *c == Col::Type);
        if ti.is_none() && fixed_ty.is_none() {
            return Err(FileError::invalid(&path, "no :TYPE column and no TYPE= prefix on the file name").at(1, None));
        }
        let space_of = |c: &Col| match c {
            Col::Start(s) | Col::End(s) => s.clone(),
            _ => String::new(),
        };
        let (ss, es) = (space_of(&cols[si]), space_of(&cols[ei]));
        let file = RelFile {
            path: &path,
            header: &header,
            cols: &cols,
            si,
            ei,
            ti,
            fixed: fixed_ty.is_some(),
            starts: ids.get(&ss),
            ends: ids.get(&es),
        };
        // One thread reads and parses, this one builds the graph.
        std::thread::scope(|scope| -> Result<(), FileError> {
            let (tx, rx) = mpsc::sync_channel(4);
            scope.spawn(move || file.parse(rdr, tx));
            for batch in rx {
                let batch = batch?;
                for row in batch.rows {
                    let ty = match (row.ty, fixed_ty) {
                        (Some(name), _) => g.type_sym(&name),
                        (None, Some(t)) => t,
                        (None, None) => return Err(FileError::invalid(&path, "a relationship without a type")),
                    };
                    if g.add_rel_sym(row.start, row.end, ty, &batch.props[row.props]).is_none() {
                        return Err(FileError::invalid(&path, "more than 4 billion relationships"));
                    }
                    sum.relationships += 1;
                }
                progress.tick(&sum);
            }
            Ok(())
        })?;
    }
    if progress.on {
        eprintln!();
    }
    // Each type's relationships numbered by start node, whatever the files' order: an
    // expansion then reads their properties one after another (`store/cluster.rs`).
    g.cluster_rels();
    if let Some(why) = g.take_storage_error() {
        let files = nodes.iter().chain(rels).cloned().collect::<Vec<_>>().join(", ");
        return Err(FileError::invalid(files, format!("the graph's properties do not fit: {why}")));
    }
    sum.seconds = progress.start.elapsed().as_secs_f64();
    Ok((g, sum))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::RelId;

    fn write(dir: &Path, name: &str, text: &str) -> String {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }

    fn tmpdir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("silkgraph-import-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn imports_typed_columns_labels_and_types() {
        let d = tmpdir("ok");
        let p = write(&d, "p.csv", "id:ID,name,born:int,tags:string[],:LABEL\n1,Ann,1980,a;b,Admin\n2,Bo,,,\n");
        let r = write(&d, "r.csv", ":START_ID,:END_ID,since:int,w:float\n1,2,2010,0.5\n");
        let (g, s) = import(&[format!("Person={p}")], &[format!("KNOWS={r}")]).unwrap();
        assert_eq!((s.nodes, s.relationships), (2, 1));
        let person = g.label_id("Person").unwrap();
        assert_eq!(g.label_count(person), 2);
        assert_eq!(g.label_count(g.label_id("Admin").unwrap()), 1);
        let born = g.key_id("born").unwrap();
        assert_eq!(g.node_prop(NodeId(0), born), Some(Value::Int(1980)));
        assert_eq!(g.node_prop(NodeId(1), born), None);
        let tags = g.key_id("tags").unwrap();
        assert_eq!(g.node_prop(NodeId(0), tags), Some(Value::list(vec![Value::str("a"), Value::str("b")])));
        assert_eq!(g.rel_type(RelId(0)).map(|t| g.types().name(t).to_string()), Some("KNOWS".into()));
        std::fs::remove_dir_all(d).ok();
    }

    #[test]
    fn bad_rows_name_file_line_and_field() {
        let d = tmpdir("bad");
        let p = write(&d, "p.csv", "id:ID,born:int\n1,1980\n2,nineteen\n");
        let e = import(&[format!("Person={p}")], &[]).unwrap_err();
        assert!(e.path.ends_with("p.csv") && e.line == Some(3), "{e}");
        assert_eq!((e.field.as_deref(), e.problem), (Some("born:int"), crate::error::FileProblem::Invalid), "{e}");
        assert!(e.to_string().contains("p.csv:3: column `born:int`: `nineteen` is not an integer"), "{e}");
        let p = write(&d, "q.csv", "id:ID\n1\n");
        let r = write(&d, "r.csv", ":START_ID,:END_ID\n1,9\n");
        let e = import(&[p], &[format!("T={r}")]).unwrap_err();
        assert!(e.to_string().contains("r.csv:2: column `:END_ID`: no node has id `9`"), "{e}");
        std::fs::remove_dir_all(d).ok();
    }

    #[test]
    fn ids_as_numbers_and_as_text_never_mix() {
        let d = tmpdir("ids");
        // `7` and `007` are two ids; a huge id keeps the numbers in a hash map.
        let p = write(&d, "p.csv", "id:ID,name\n7,seven\n007,bond\nx-1,text\n18446744073709551615,huge\n");
        let r = write(&d, "r.csv", ":START_ID,:END_ID,:TYPE\n007,7,A\nx-1,18446744073709551615,B\n7,x-1,\n");
        let e = import(std::slice::from_ref(&p), &[r]).unwrap_err();
        assert!(e.to_string().contains("r.csv:4: column `:TYPE`: the relationship type is empty"), "{e}");
        let r = write(&d, "r2.csv", ":START_ID,:END_ID,:TYPE\n007,7,A\nx-1,18446744073709551615,B\n");
        let (g, s) = import(std::slice::from_ref(&p), &[r]).unwrap();
        assert_eq!(s.relationships, 2);
        assert_eq!(g.rel_ends(RelId(0)), Some((NodeId(1), NodeId(0))));
        assert_eq!(g.rel_ends(RelId(1)), Some((NodeId(2), NodeId(3))));
        // Dense numeric ids are looked up in a table; a missing one is still an error.
        let q = write(&d, "q.csv", "id:ID\n0\n2\n");
        let r = write(&d, "r3.csv", ":START_ID,:END_ID\n0,2\n2,1\n");
        let e = import(&[q], &[format!("T={r}")]).unwrap_err();
        assert!(e.to_string().contains("r3.csv:3: column `:END_ID`: no node has id `1`"), "{e}");
        std::fs::remove_dir_all(d).ok();
    }
}
