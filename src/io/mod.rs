//! Opening and saving graphs in files: the bundled graphs, `.cypher` scripts (`cypher`), the
//! project's `.json` graph (`json`), CSV directories in the neo4j-admin convention (`csv`) and
//! `.sg` snapshots, and writing any file atomically. Loading is all or nothing: a bad file names
//! where and why, and yields no graph. (Databases, which keep every commit, are `crate::db`.)

mod csv;
mod cypher;
mod json;

pub use self::csv::{import_dir, import_files};
pub use crate::file::write_atomic;
pub use cypher::{to_cypher_script, to_cypher_subscript, ONE_STATEMENT_MAX};
pub use json::{from_json_text, to_json_graph, to_json_subgraph};

use std::path::Path;

use crate::error::{line_col, render, FileError};
use crate::session::Session;
use crate::store::Graph;

/// The bundled Kyrgyz–Japan knowledge graph, as a Cypher script.
pub const DEFAULT_GRAPH: &str = include_str!("../../graphs/kyrgyz_japan.cypher");

/// The bundled graphs openable by name.
pub const BUNDLED: &[(&str, &str, &str)] = &[
    (
        "kyrgyz_japan",
        "Kyrgyz–Japanese relations, from the Kyrgyz MFA page and Times Tengri (22 Dec 2025)",
        DEFAULT_GRAPH,
    ),
    (
        "karate",
        "Zachary's karate club (1977): 34 members, 78 ties, the club split",
        include_str!("../../graphs/karate.cypher"),
    ),
    (
        "florentine",
        "Florentine families' marriages around 1430 (Padgett & Ansell 1993)",
        include_str!("../../graphs/florentine.cypher"),
    ),
    ("lesmis", "Les Misérables co-appearances (Knuth 1993): 77 characters", include_str!("../../graphs/lesmis.cypher")),
];

/// Opens the default graph.
pub fn default_graph() -> Result<Graph, FileError> {
    Session::load_script(DEFAULT_GRAPH).map_err(|e| FileError::invalid("bundled graph", render(&e, DEFAULT_GRAPH)))
}

/// Opens a graph by file name (`.cypher`, `.json`, a directory with a CSV export) or by bundled
/// name.
pub fn open(spec: &str) -> Result<Graph, FileError> {
    open_within(spec, &Session::default())
}

/// [`open`], with a Cypher script's statements under `like`'s limits, time limit and Ctrl-C
/// flag (the other forms load in time linear in their size).
pub fn open_within(spec: &str, like: &Session) -> Result<Graph, FileError> {
    if let Some((_, _, text)) = BUNDLED.iter().find(|(n, _, _)| *n == spec) {
        return Session::load_script(text).map_err(|e| FileError::invalid(spec, render(&e, text)));
    }
    let path = Path::new(spec);
    if path.is_dir() {
        return import_dir(path);
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("sg")) || is_snapshot(path) {
        let bytes = std::fs::read(path).map_err(|e| FileError::io(spec, "read", &e))?;
        return Graph::from_snapshot(&bytes).map_err(|e| FileError::invalid(spec, e));
    }
    let text = std::fs::read_to_string(path).map_err(|e| FileError::io(spec, "read", &e))?;
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("json") => from_json_text(&text).map_err(|e| e.within(spec)),
        _ => Session::load_script_within(&text, like).map_err(|e| {
            let (line, col) = e.span.map_or((0, 0), |s| line_col(&text, s.start));
            let at = |m: String| FileError::invalid(spec, m).at(line as u64, Some(col as u64));
            // A file whose very first word is not Cypher is not a script at all: say so without
            // echoing its text (it may be any file, a secret one included).
            let first = text.len() - text.trim_start().len();
            if e.phase == crate::error::Phase::Compile && e.span.is_some_and(|s| s.start == first) {
                return at(
                    "the file does not start with a Cypher statement (a clause such as CREATE); silkgraph reads \
                     .sg snapshots, .cypher scripts, .json graphs and CSV directories"
                        .into(),
                );
            }
            at(render(&e, &text))
        }),
    }
}

/// Saves a graph to a file in the form its extension names, the counterpart of [`open`]: `.sg`
/// a snapshot, `.json` the JSON graph, anything else a Cypher script. The write is atomic
/// (temporary file, fsync, rename), so a save cut short leaves the old file whole.
pub fn save(g: &Graph, path: &Path) -> Result<(), FileError> {
    let ext = path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase());
    // A snapshot takes relationships not yet read as its file has them, and refuses a graph
    // whose relationships could not be read; the other forms read them first.
    if ext.as_deref() != Some("sg") {
        g.decode_all().map_err(|e| FileError::invalid(path, e))?;
    }
    let bytes = match ext.as_deref() {
        Some("sg") => g.to_snapshot().map_err(|e| FileError::invalid(path, e))?,
        Some("json") => {
            let mut text =
                serde_json::to_string_pretty(&to_json_graph(g)).map_err(|e| FileError::invalid(path, e.to_string()))?;
            text.push('\n');
            text.into_bytes()
        }
        _ => to_cypher_script(g).into_bytes(),
    };
    write_atomic(path, &bytes, true)
}

/// Whether a file starts as a snapshot does (a database made at a path without `.sg` is one).
pub fn is_snapshot(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == crate::store::SNAPSHOT_MAGIC
}
