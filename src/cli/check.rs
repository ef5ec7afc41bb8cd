//! `silkgraph check GRAPH --sources DIR`: a graph against the documents it was built from
//! (`kg::check`), with each problem at the file and line of the statement that made the
//! entity, and exit status 1 when there is any, so it runs in an analyst's CI.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::exec::Params;
use crate::kg::check::{check, Document};
use crate::kg::evidence::Entity;
use crate::session::Session;
use crate::store::Graph;
use crate::value::{NodeId, RelId};

/// The options of `silkgraph check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The graph: a Cypher script (problems are given by line), or any graph file or bundled name
    #[arg(value_name = "GRAPH")]
    pub file: String,
    /// The directory of the source documents its `source` properties name
    #[arg(long, value_name = "DIR")]
    pub sources: PathBuf,
}

/// The documents of a directory, by file name.
fn documents(dir: &Path) -> Result<HashMap<String, Document>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("--sources {}: {e}", dir.display()))?;
    let mut out = HashMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        out.insert(entry.file_name().to_string_lossy().into_owned(), Document::new(&text));
    }
    if out.is_empty() {
        return Err(format!("--sources {}: no text documents in it", dir.display()));
    }
    Ok(out)
}

/// Where a statement's code starts: past the blank lines and comments before it.
fn code_start(piece: &str) -> usize {
    let mut at = 0;
    loop {
        let rest = &piece[at..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            at += trimmed.find('\n').map_or(trimmed.len(), |i| i + 1);
        } else if trimmed.starts_with("/*") {
            at += trimmed.find("*/").map_or(trimmed.len(), |i| i + 2);
        } else {
            return at;
        }
    }
}

/// Runs a script statement by statement, noting the line where each entity was made.
fn load_script(text: &str, spec: &str) -> Result<(Graph, HashMap<Entity, usize>), String> {
    let mut session = Session::new(Graph::new());
    let mut lines = HashMap::new();
    let params = Params::new();
    for (a, b) in crate::script::split(text) {
        let piece = &text[a..b];
        let (line, _) = crate::error::line_col(text, a + code_start(piece));
        let (nodes, rels) = session.graph.ids_handed_out();
        if let Err(e) = session.run_statement(piece, &params) {
            let (l, c) = e.span.map_or((line, 1), |s| crate::error::line_col(text, a + s.start));
            return Err(format!("{spec}:{l}:{c}: {}", e.message));
        }
        let (nodes2, rels2) = session.graph.ids_handed_out();
        for id in nodes..nodes2 {
            lines.insert(Entity::Node(NodeId(id)), line);
        }
        for id in rels..rels2 {
            lines.insert(Entity::Rel(RelId(id)), line);
        }
    }
    Ok((session.graph, lines))
}

/// Runs `check`; returns the exit status.
pub fn main(args: &CheckArgs) -> i32 {
    let docs = match documents(&args.sources) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return super::FAILED;
        }
    };
    let spec = args.file.as_str();
    let path = Path::new(spec);
    let script = path.is_file()
        && !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("sg") || e.eq_ignore_ascii_case("json"));
    let loaded = match script {
        true => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {spec}: {e}"))
            .and_then(|t| load_script(&t, spec)),
        false => crate::io::open(spec).map(|g| (g, HashMap::new())).map_err(super::file_error),
    };
    let (graph, lines) = match loaded {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return super::FAILED;
        }
    };
    let line = |e: Entity| lines.get(&e).copied().unwrap_or(0);
    let problems = check(&graph, &docs, &line);
    for p in &problems {
        match p.line {
            0 => println!("{spec}: {}", p.message),
            l => println!("{spec}:{l}: {}", p.message),
        }
    }
    if problems.is_empty() {
        println!(
            "{spec}: ok: {} and {} rest on sentences of {} in {}",
            super::plural(graph.node_count() as u64, "node"),
            super::plural(graph.rel_count() as u64, "relationship"),
            super::plural(docs.len() as u64, "document"),
            args.sources.display()
        );
        super::OK
    } else {
        eprintln!("{spec}: {}", super::plural(problems.len() as u64, "problem"));
        super::FAILED
    }
}
